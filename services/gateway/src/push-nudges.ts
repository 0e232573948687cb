import { pushNudgeContract, subjects } from '@roost/contracts';
import type { Logger, MessageBus, Subscription } from '@roost/ports';
import type { AgentSessions } from './agent-sessions';
import type { ConfigSource } from './config-source';
import { mapWithConcurrency, runInSlices } from './run-in-slices';

/** Longest stretch of config pushes before yielding to the event loop. */
const FAN_OUT_SLICE_MS = 10;

export interface PushNudgeOptions {
  readonly gatewayId: string;
  readonly sliceSize: number;
  readonly readConcurrency: number;
  readonly logger: Logger;
}

export interface PushNudges {
  /** Resolves when every nudge received so far has been fanned out. */
  idle(): Promise<void>;
  stop(): void;
}

/**
 * Listens on `gateway.<id>.push`. For each agent of the nudge that is connected here: re-read
 * its `agent-desired` entry (the KV is the truth; the nudge only says "look"), load the config
 * version once for all of them, then reconcile agent by agent in slices, so a fan-out to
 * thousands of agents never holds the event loop for long.
 */
export function listenForPushNudges(bus: MessageBus, sessions: AgentSessions, configs: ConfigSource, options: PushNudgeOptions): PushNudges {
  const running = new Set<Promise<void>>();
  const subscription: Subscription = bus.subscribe(subjects.gatewayPush(options.gatewayId), (message) => {
    let agentIds: string[];
    try {
      agentIds = pushNudgeContract.decode(message.data).agentIds;
    } catch (error) {
      options.logger.warn({ err: String(error) }, 'ignored a malformed push nudge');
      return;
    }
    const task = fanOut(agentIds).catch((error: unknown) => options.logger.error({ err: String(error) }, 'push nudge fan-out failed'));
    running.add(task);
    void task.finally(() => running.delete(task));
  });

  async function fanOut(agentIds: readonly string[]): Promise<void> {
    const here = agentIds.filter((id) => sessions.records.get(id)?.connected === true);
    if (here.length === 0) return;
    const desired = await mapWithConcurrency(here, options.readConcurrency, async (id) => {
      try {
        return await configs.desiredHash(id);
      } catch (error) {
        options.logger.warn({ agentId: id, err: String(error) }, 'could not read agent-desired for a nudge');
        return undefined;
      }
    });
    const hashes = new Set(desired.filter((hash): hash is string => typeof hash === 'string'));
    await Promise.all([...hashes].map((hash) => configs.config(hash)));
    const indices = here.map((_, index) => index);
    await runInSlices(
      indices,
      { maxItems: options.sliceSize, sliceMs: FAN_OUT_SLICE_MS },
      (index) => sessions.reconcile(here[index] as string, desired[index]),
      (index, error) => options.logger.error({ agentId: here[index], err: String(error) }, 'config push failed'),
    );
  }

  return {
    idle: async () => {
      while (running.size > 0) await Promise.all([...running]);
    },
    stop: () => subscription.unsubscribe(),
  };
}
