import type { EventStore, KeyValueStore, ViewStore } from '@roost/ports';
import type { OrchestratorClient } from './orchestrator-client';

/** What operations read and write through: ports only. */
export interface OperationDeps {
  readonly views: ViewStore;
  readonly orchestrator: OrchestratorClient;
  /** The `configs` bucket, opened once on first use (config names are listed from it). */
  readonly configs: () => Promise<KeyValueStore>;
  /** The `effective-configs` bucket (what each agent last reported running), opened once on first use. */
  readonly effectiveConfigs: () => Promise<KeyValueStore>;
  readonly events: EventStore;
  /**
   * After a rollout write, how long to wait for the views to show it, so a read right after a
   * 2xx sees the change (0: do not wait). The write is done either way.
   */
  readonly settleMs: number;
}

/** Polls `check` until it holds or `ms` passed; resolves whether it held. */
export async function settle(check: () => Promise<boolean>, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  for (;;) {
    if (await check()) return true;
    if (Date.now() >= deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
