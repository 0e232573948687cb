import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  BUCKETS,
  configCreateReplyContract,
  desiredConfigContract,
  rolloutReplyContract,
  subjects,
  type CommandReply,
  type DesiredConfig,
  type JsonContract,
  type RolloutSummaryReply,
  type Topology,
} from '@roost/contracts';
import { startGateway, type GatewayOptions, type RunningGateway } from '@roost/gateway';
import { startOrchestrator, type OrchestratorOptions, type RunningOrchestrator } from '@roost/orchestrator';
import { connectNatsPlatform } from '@roost/platform-nats';
import { createMemoryViewStore } from '@roost/platform-memory';
import type { Platform } from '@roost/ports';
import type { InvariantViolation, RolloutEvent } from '@roost/rollout';
import { eventually, startNatsServer, testLogger, type TestServer } from '@roost/testing';
import { CollectorAgent } from './collector-agent';

import { TEST_TIMING } from '../support/collector-config';
export { collectorYaml, TEST_TIMING } from '../support/collector-config';

export interface WebhookCall {
  readonly text: string;
  readonly kind: string;
  readonly rolloutId: string;
  /** The request as received (a receiver checks the signature over the raw body). */
  readonly delivery: { readonly headers: IncomingHttpHeaders; readonly raw: string };
}

/** The NATS a bed runs on: one test server, or a test cluster (every node's URL). */
export interface BedNats {
  readonly url: string;
  stop(): Promise<void>;
}

/**
 * One suite's world: a private nats-server (or cluster), a test client, gateways and
 * orchestrators started in-process, collector agents speaking OpAMP over WebSocket, and a
 * webhook receiver.
 */
export class RolloutTestBed<N extends BedNats = TestServer> {
  readonly gateways: RunningGateway[] = [];
  readonly orchestrators: RunningOrchestrator[] = [];
  readonly agents: CollectorAgent[] = [];
  private readonly platforms: Platform[] = [];

  private constructor(
    readonly nats: N,
    readonly client: Platform,
    private readonly webhookServer: Server,
    /** Every webhook body received, in order. */
    readonly webhookCalls: WebhookCall[],
    /** Replicas and limits every platform of this bed asks for. */
    readonly topology: Partial<Topology>,
  ) {}

  static async start(): Promise<RolloutTestBed> {
    return RolloutTestBed.on(await startNatsServer());
  }

  /** A bed on NATS the caller started (it is stopped with the bed). */
  static async on<N extends BedNats>(nats: N, topology: Partial<Topology> = {}): Promise<RolloutTestBed<N>> {
    const client = await connectNatsPlatform({ url: nats.url, views: createMemoryViewStore(), name: 'rollout-test-client', ...topology });
    const calls: WebhookCall[] = [];
    const server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        calls.push({ ...(JSON.parse(raw) as Omit<WebhookCall, 'delivery'>), delivery: { headers: request.headers, raw } });
        response.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return new RolloutTestBed(nats, client, server, calls, topology);
  }

  get webhookUrl(): string {
    return `http://127.0.0.1:${(this.webhookServer.address() as AddressInfo).port}/hook`;
  }

  /** A platform on its own NATS connection (each service gets one, as in production). */
  async platform(name: string): Promise<Platform> {
    const platform = await connectNatsPlatform({ url: this.nats.url, views: createMemoryViewStore(), name, ...this.topology, ...testLogger(name) });
    this.platforms.push(platform);
    return platform;
  }

  async startGateway(gatewayId: string, options: Partial<GatewayOptions> = {}): Promise<RunningGateway> {
    const gateway = await startGateway({ port: 0, host: '127.0.0.1', gatewayId, heartbeatIntervalSeconds: null, pingIntervalMs: 60_000, ...testLogger(gatewayId), ...options }, await this.platform(gatewayId));
    this.gateways.push(gateway);
    return gateway;
  }

  async startOrchestrator(options: OrchestratorOptions = {}): Promise<RunningOrchestrator> {
    const orchestrator = await startOrchestrator({ webhooks: [{ url: this.webhookUrl }], webhookBackoffMs: 50, ...testLogger(options.instanceId ?? 'orchestrator'), ...options }, await this.platform(options.instanceId ?? 'orchestrator'));
    this.orchestrators.push(orchestrator);
    return orchestrator;
  }

  /** Connects `count` agents of a group, spread over the gateways, all running `runningHash`. */
  async connectAgents(count: number, environment: string, runningHash: string | ((index: number) => string)): Promise<CollectorAgent[]> {
    const agents = await Promise.all(
      Array.from({ length: count }, (_, index) => {
        const gateway = this.gateways[index % this.gateways.length] as RunningGateway;
        return CollectorAgent.connect(gateway.url, { environment, runningHash: typeof runningHash === 'string' ? runningHash : runningHash(index) });
      }),
    );
    this.agents.push(...agents);
    return agents;
  }

  /** Waits until the leader's fleet view has every listed agent connected. */
  async fleetHas(agents: readonly CollectorAgent[], environment: string): Promise<void> {
    await eventually(
      async () => {
        const preview = await this.request(subjects.groupCommand('preview'), { target: { kind: 'group', group: environment } });
        return (preview as { ok: boolean; result?: { connected: number } }).result?.connected === agents.length;
      },
      { timeoutMs: 10_000, what: `${agents.length} agents of ${environment} in the fleet view` },
    );
  }

  async request(subject: string, body: unknown, timeoutMs = 10_000): Promise<unknown> {
    const reply = await this.client.bus.request(subject, new TextEncoder().encode(JSON.stringify(body)), { timeoutMs });
    return JSON.parse(new TextDecoder().decode(reply)) as unknown;
  }

  async command<T>(subject: string, body: unknown, contract: JsonContract<CommandReply<T>>): Promise<CommandReply<T>> {
    const reply = await this.client.bus.request(subject, new TextEncoder().encode(JSON.stringify(body)), { timeoutMs: 10_000 });
    return contract.decode(reply);
  }

  /** Stores a config version through the orchestrator and returns its hash. */
  async createConfig(yaml: string, name: string): Promise<string> {
    const reply = await this.command(subjects.configCommand('create'), { yaml, name, actor: 'test' }, configCreateReplyContract);
    if (!reply.ok) throw new Error(`config refused: ${reply.error.message}`);
    return reply.result.hash;
  }

  async startRollout(request: Record<string, unknown>): Promise<CommandReply<RolloutSummaryReply>> {
    return this.command(subjects.rolloutCommand('start'), { actor: 'test', timing: TEST_TIMING, ...request }, rolloutReplyContract);
  }

  async act(verb: 'pause' | 'resume' | 'promote' | 'abort' | 'rollback', rolloutId: string): Promise<CommandReply<RolloutSummaryReply>> {
    return this.command(subjects.rolloutCommand(verb), { rolloutId, actor: 'test', reason: `test ${verb}` }, rolloutReplyContract);
  }

  async status(rolloutId: string): Promise<RolloutSummaryReply> {
    const reply = await this.command(subjects.rolloutQuery('status'), { rolloutId }, rolloutReplyContract);
    if (!reply.ok) throw new Error(reply.error.message);
    return reply.result;
  }

  async waitForStatus(rolloutId: string, status: RolloutSummaryReply['status'], timeoutMs = 20_000): Promise<RolloutSummaryReply> {
    return eventually(
      async () => {
        const summary = await this.status(rolloutId);
        if (summary.status === status) return summary;
        // Named in the timeout error, so a rollout that never gets there says where it stood.
        throw new Error(`last seen: ${JSON.stringify(summary)}`);
      },
      { timeoutMs, intervalMs: 100, what: `rollout ${rolloutId} to be ${status}` },
    );
  }

  /** Every stored event of a rollout, in order. */
  async events(rolloutId: string): Promise<RolloutEvent[]> {
    const stored = await this.client.events.read(subjects.rolloutEvents(rolloutId));
    return stored.map((event) => JSON.parse(new TextDecoder().decode(event.data)) as RolloutEvent);
  }

  /**
   * What the invariant checker of every orchestrator of the bed finds now (a standby or a
   * stopped one finds nothing), and every rule whose `roost_invariant_violations_total` counter
   * rose on any of them since it started (the checks it ran on its own, every few seconds).
   */
  async invariantViolations(): Promise<Array<InvariantViolation | { readonly counted: string; readonly by: string; readonly times: number }>> {
    const counted = await Promise.all(
      this.orchestrators.map(async (orchestrator) =>
        Object.entries(await violationCounts(orchestrator))
          .filter(([, times]) => times > 0)
          .map(([rule, times]) => ({ counted: rule, by: orchestrator.instanceId, times })),
      ),
    );
    return [...this.orchestrators.flatMap((orchestrator) => orchestrator.checkInvariants()), ...counted.flat()];
  }

  async desired(agentId: string): Promise<DesiredConfig | null> {
    const entry = await (await this.client.kv.open(BUCKETS.agentDesired.name)).get(agentId);
    return entry === null ? null : desiredConfigContract.decode(entry.value);
  }

  async stop(): Promise<void> {
    await Promise.all(this.agents.map((agent) => agent.drop()));
    await Promise.all(this.orchestrators.map((orchestrator) => orchestrator.stop()));
    await Promise.all(this.gateways.map((gateway) => gateway.stop()));
    await Promise.all(this.platforms.map((platform) => platform.close()));
    await this.client.close();
    await new Promise<void>((resolve) => this.webhookServer.close(() => resolve()));
    await this.nats.stop();
  }
}

/** The value of `roost_invariant_violations_total{rule}` for each rule an orchestrator has counted. */
export async function violationCounts(orchestrator: RunningOrchestrator): Promise<Record<string, number>> {
  const text = await orchestrator.metrics.metrics();
  const counts: Record<string, number> = {};
  for (const match of text.matchAll(/^roost_invariant_violations_total\{rule="([a-z_]+)"\} (\d+)$/gm)) counts[match[1] as string] = Number(match[2]);
  return counts;
}

/** The summary of an accepted command, or a failure naming the refusal. */
export function accepted<T>(reply: CommandReply<T>): T {
  if (!reply.ok) throw new Error(`command refused: ${reply.error.code}: ${reply.error.message}`);
  return reply.result;
}
