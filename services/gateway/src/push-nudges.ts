import { pushNudgeContract, subjects, type DesiredWrite, type PushNudge } from '@roost/contracts';
import type { Logger, MessageBus, Subscription } from '@roost/ports';
import type { DesiredEntry } from './agent-record';
import type { AgentSessions } from './agent-sessions';
import type { ConfigSource } from './config-source';
import { mapWithConcurrency, runInSlices, yieldToEventLoop } from './run-in-slices';

/**
 * Longest stretch of config pushes before yielding to the event loop. A loop turn during a
 * fan-out runs a push slice, a slice of queued frames (the agents' answers) and, now and then,
 * a GC pause of 15-30 ms: 5 ms slices keep the turn well under 50 ms.
 */
const FAN_OUT_SLICE_MS = 5;

/** The entries a nudge carried, by agent; null when it carried none (they are read from the KV). */
type Carried = ReadonlyMap<string, DesiredEntry> | null;

function carriedEntries(nudge: PushNudge): Carried {
  const { desired } = nudge;
  if (desired === undefined) return null;
  return new Map(
    nudge.agentIds.map((agentId, index) => {
      const write = desired[index] as DesiredWrite; // the contract pairs them one to one
      return [agentId, { hash: write.configHash, revision: write.revision }];
    }),
  );
}

export interface PushNudgeOptions {
  readonly gatewayId: string;
  readonly sliceSize: number;
  readonly readConcurrency: number;
  /** Every connected agent's entry is re-read this often, for nudges that were lost. */
  readonly resyncMs: number;
  readonly logger: Logger;
}

export interface PushNudges {
  /** Resolves when every nudge received so far has been fanned out. */
  idle(): Promise<void>;
  stop(): void;
}

/**
 * Listens on `gateway.<id>.push`. For each agent of the nudge that is connected here: take its
 * `agent-desired` entry from the nudge (the orchestrator sends what it wrote, with the KV
 * revision) or, from a nudge without entries, re-read it from the KV; load the config version
 * once for all of them, then reconcile agent by agent (an entry older than the one held is
 * ignored). An agent whose connection is being opened (its connect-time read may predate the
 * change) is reconciled once it is open. Nudges are core NATS messages, lost when the
 * connection blips: every `resyncMs` the gateway re-reads the entries of all its connected
 * agents the same way. The agents go in chunks of `sliceSize`, each chunk's reads issued while
 * the chunk before is being sent, and the event loop gets a turn between chunks (and within
 * one that runs long), so a fan-out to thousands of agents starts sending at once and never
 * holds the loop for long, even when the reads answer without I/O.
 */
export function listenForPushNudges(bus: MessageBus, sessions: AgentSessions, configs: ConfigSource, options: PushNudgeOptions): PushNudges {
  const running = new Set<Promise<void>>();
  const subscription: Subscription = bus.subscribe(subjects.gatewayPush(options.gatewayId), (message) => {
    let nudge: PushNudge;
    try {
      nudge = pushNudgeContract.decode(message.data);
    } catch (error) {
      options.logger.warn({ err: String(error) }, 'ignored a malformed push nudge');
      return;
    }
    void track(reconcileAgents(nudge.agentIds, carriedEntries(nudge)), 'push nudge fan-out failed');
  });
  let fanning: Promise<void> = Promise.resolve();
  let resyncing = false;
  const resync = setInterval(() => {
    if (resyncing) return;
    resyncing = true;
    const task = track(fanOutInTurn(sessions.connectedAgentIds(), null), 'agent-desired resync failed');
    void task.finally(() => (resyncing = false));
  }, options.resyncMs);
  resync.unref();

  function track(work: Promise<void>, failure: string): Promise<void> {
    const task = work.catch((error: unknown) => options.logger.error({ err: String(error) }, failure));
    running.add(task);
    void task.finally(() => running.delete(task));
    return task;
  }

  /** Agents connected now are reconciled now; those mid-connect once their connection is open. */
  async function reconcileAgents(agentIds: readonly string[], carried: Carried): Promise<void> {
    const now: string[] = [];
    const opening: Promise<unknown>[] = [];
    const later: string[] = [];
    for (const id of agentIds) {
      const connecting = sessions.connectInFlight(id);
      if (connecting) {
        opening.push(connecting);
        later.push(id);
      } else {
        now.push(id); // fanOut keeps those connected here
      }
    }
    const deferred = later.length === 0 ? null : Promise.allSettled(opening).then(yieldToEventLoop).then(() => fanOutInTurn(later, carried));
    await fanOutInTurn(now, carried);
    await deferred;
  }

  /** The chunk's desired entries (carried by the nudge, or read), with every config version they name loaded. */
  async function readChunk(agentIds: readonly string[], carried: Carried): Promise<(DesiredEntry | undefined)[]> {
    const unread: string[] = [];
    let firstError: unknown;
    const desired = await mapWithConcurrency(agentIds, options.readConcurrency, async (id) => {
      const entry = carried?.get(id);
      if (entry !== undefined) return entry;
      try {
        return await configs.desired(id);
      } catch (error) {
        if (unread.length === 0) firstError = error;
        unread.push(id);
        return undefined;
      }
    });
    // One line per chunk, not per agent: when NATS is away every read of a resync fails.
    if (unread.length > 0) {
      options.logger.warn(
        { agents: unread.length, agentIds: unread.slice(0, 5), err: String(firstError) },
        'could not read agent-desired for a nudge; those agents wait for the next nudge or resync',
      );
    }
    const missing = new Set<string>();
    for (const entry of desired) if (entry !== undefined && entry.hash !== null && configs.cached(entry.hash) === undefined) missing.add(entry.hash);
    await Promise.all([...missing].map((hash) => configs.config(hash)));
    return desired;
  }

  /**
   * Fan-outs run one after the other: each yields between slices, but several at once would
   * each run a slice per event-loop turn (ten nudges of 1,000 agents arrive together).
   */
  function fanOutInTurn(agentIds: readonly string[], carried: Carried): Promise<void> {
    const run = fanning.then(() => fanOut(agentIds, carried));
    fanning = run.catch(() => undefined);
    return run;
  }

  async function fanOut(agentIds: readonly string[], carried: Carried): Promise<void> {
    const here = agentIds.filter((id) => sessions.agents.get(id)?.connected === true);
    const chunks: string[][] = [];
    for (let start = 0; start < here.length; start += options.sliceSize) chunks.push(here.slice(start, start + options.sliceSize));
    let reading = chunks.length > 0 ? readChunk(chunks[0] as string[], carried) : null;
    for (let index = 0; index < chunks.length && reading; index += 1) {
      const chunk = chunks[index] as string[];
      const desired = await reading;
      reading = index + 1 < chunks.length ? readChunk(chunks[index + 1] as string[], carried) : null;
      if (index > 0) await yieldToEventLoop();
      await runInSlices(
        chunk.map((_, position) => position),
        { maxItems: options.sliceSize, sliceMs: FAN_OUT_SLICE_MS },
        (position) => sessions.reconcile(chunk[position] as string, desired[position]),
        (position, error) => options.logger.error({ agentId: chunk[position], err: String(error) }, 'config push failed'),
      );
    }
  }

  return {
    idle: async () => {
      while (running.size > 0) await Promise.all([...running]);
    },
    stop: () => {
      clearInterval(resync);
      subscription.unsubscribe();
    },
  };
}
