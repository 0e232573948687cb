/**
 * What an operator does, over the orchestrator's command API on NATS request/reply (as the
 * admin API and test/orchestrator/rollout-test-bed.ts do): store config versions, see the
 * fleet view, start a rollout, follow its status; afterwards, each phase's timing from the
 * rollout's stored events.
 */
import { configCreateReplyContract, rolloutReplyContract, subjects, type RolloutSummaryReply } from '@roost/contracts';
import type { RolloutEvent } from '@roost/rollout';
import type { ServicePlatform } from '@roost/platform-nats';
// Benchmarks and the cross-service tests are both test code, of two Nx projects.
// eslint-disable-next-line @nx/enforce-module-boundaries
import { collectorYaml } from '../../test/support/collector-config';

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** A valid collector config of exactly `bytes` bytes (comment padding); `variant` changes its hash. */
export function collectorConfigOfSize(variant: string, bytes: number): string {
  const yaml = collectorYaml(variant);
  const padding = bytes - yaml.length;
  if (padding < 3) return yaml;
  return `${yaml}#${'-'.repeat(padding - 2)}\n`;
}

/** How long a command is retried while no orchestrator surely leads (an operator's CLI would retry too). */
const RETRY_FOR_MS = 5 * 60_000;

export class RolloutDriver {
  /** Commands answered "not the leader" (or not answered at all) and retried, and the time that took. */
  readonly refusals = { notLeader: 0, unanswered: 0, waitedMs: 0, firstError: undefined as string | undefined };

  constructor(private readonly client: ServicePlatform) {}

  private async call(subject: string, body: unknown, timeoutMs = 30_000): Promise<Uint8Array> {
    return this.client.bus.request(subject, encoder.encode(JSON.stringify(body)), { timeoutMs });
  }

  /**
   * A command, retried while the orchestrator says it is not (surely) the leader or nobody
   * answers: the command was then not applied, and the message says to retry.
   */
  private async retried<T extends { ok: boolean; error?: { code: string } }>(send: () => Promise<T>): Promise<T> {
    const started = Date.now();
    for (;;) {
      let reply: T | undefined;
      try {
        reply = await send();
        if (reply.ok || reply.error?.code !== 'orchestrator.not_leader') return reply;
        this.refusals.notLeader++;
      } catch (err) {
        this.refusals.unanswered++;
        this.refusals.firstError ??= String(err);
      }
      if (Date.now() - started > RETRY_FOR_MS) throw new Error(`no orchestrator answered as leader for ${RETRY_FOR_MS / 1000} s (${JSON.stringify(this.refusals)})`);
      await new Promise((r) => setTimeout(r, 500));
      this.refusals.waitedMs += 500;
    }
  }

  async createConfig(yaml: string, name: string): Promise<string> {
    const reply = configCreateReplyContract.decode(await this.call(subjects.configCommand('create'), { yaml, name, actor: 'bench' }));
    if (!reply.ok) throw new Error(`config refused: ${reply.error.message}`);
    return reply.result.hash;
  }

  /** Connected agents of the group in the leader's fleet view. */
  async connectedInGroup(group: string): Promise<number> {
    const reply = JSON.parse(decoder.decode(await this.call(subjects.groupCommand('preview'), { target: { kind: 'group', group } }))) as {
      ok: boolean;
      result?: { connected: number };
    };
    return reply.result?.connected ?? 0;
  }

  async start(request: Record<string, unknown>): Promise<RolloutSummaryReply> {
    const reply = await this.retried(async () => rolloutReplyContract.decode(await this.call(subjects.rolloutCommand('start'), { actor: 'bench', ...request }, 120_000)));
    // A retried start that had been applied (its answer lost) finds its own rollout.
    if (!reply.ok && reply.error.code === 'rollout.already_exists' && typeof request['rolloutId'] === 'string') return this.status(request['rolloutId']);
    if (!reply.ok) throw new Error(`rollout refused: ${reply.error.code}: ${reply.error.message}`);
    return reply.result;
  }

  async status(rolloutId: string): Promise<RolloutSummaryReply> {
    const reply = await this.retried(async () => rolloutReplyContract.decode(await this.call(subjects.rolloutQuery('status'), { rolloutId })));
    if (!reply.ok) throw new Error(reply.error.message);
    return reply.result;
  }

  async events(rolloutId: string): Promise<RolloutEvent[]> {
    const stored = await this.client.events.read(subjects.rolloutEvents(rolloutId));
    return stored.map((event) => JSON.parse(decoder.decode(event.data)) as RolloutEvent);
  }
}

export interface PhaseTiming {
  name: string;
  /** Agents targeted in this phase (not cumulative). */
  agents: number;
  windowMs: number;
  /** Seconds from the start command. */
  startedS: number;
  /** The last of the phase's agents recorded APPLIED by the orchestrator. */
  allAppliedS: number | undefined;
  passedS: number | undefined;
}

export interface RolloutTiming {
  phases: PhaseTiming[];
  completedS: number | undefined;
  applied: number;
  failed: number;
}

/** Each phase's start, last APPLIED and pass, in seconds from `startedAt` (ms since the epoch). */
export function rolloutTiming(events: readonly RolloutEvent[], startedAt: number): RolloutTiming {
  const seconds = (at: number): number => (at - startedAt) / 1000;
  const phases = new Map<number, PhaseTiming>();
  const phaseOf = new Map<string, number>();
  let completedS: number | undefined;
  let applied = 0;
  let failed = 0;
  for (const event of events) {
    if (event.type === 'PhaseStarted') {
      phases.set(event.phase, { name: event.name, agents: 0, windowMs: event.windowMs, startedS: seconds(event.at), allAppliedS: undefined, passedS: undefined });
    } else if (event.type === 'AgentsTargeted') {
      for (const agent of event.agents) phaseOf.set(agent.agentId, event.phase);
      phases.get(event.phase)!.agents += event.agents.length;
    } else if (event.type === 'AgentConfigApplied') {
      applied++;
      const phase = phases.get(phaseOf.get(event.agentId) ?? -1);
      if (phase) phase.allAppliedS = Math.max(phase.allAppliedS ?? 0, seconds(event.at));
    } else if (event.type === 'AgentConfigFailed') {
      failed++;
    } else if (event.type === 'PhasePassed') {
      phases.get(event.phase)!.passedS = seconds(event.at);
    } else if (event.type === 'RolloutCompleted') {
      completedS = seconds(event.at);
    }
  }
  return { phases: [...phases.values()], completedS, applied, failed };
}
