import type { JsonContract } from '@roost/contracts';
import type { Logger, MessageBus, Subscription } from '@roost/ports';

/**
 * What the orchestrator keeps in memory of each agent's recent own telemetry: a short list per
 * agent, for at most `maxAgents` agents; past that the agent heard from longest ago goes first.
 */
export class RecentByAgent<T> {
  private readonly lists = new Map<string, readonly T[]>();

  constructor(private readonly maxAgents: number) {}

  get agents(): number {
    return this.lists.size;
  }

  of(agentId: string): readonly T[] | undefined {
    return this.lists.get(agentId);
  }

  /** Replaces the agent's list with `next` of it (empty for an agent not kept) and counts it heard from last. */
  update(agentId: string, next: (list: readonly T[]) => readonly T[]): void {
    const list = this.lists.get(agentId) ?? [];
    // Re-inserted last: the map's order is the order agents were last heard from.
    this.lists.delete(agentId);
    this.lists.set(agentId, next(list));
    for (const oldest of this.lists.keys()) {
      if (this.lists.size <= this.maxAgents) break;
      this.lists.delete(oldest);
    }
  }
}

/** Follows a subject's messages into `add`; a message that breaks the contract is dropped, and logged the first time. */
export function followMessages<T>(bus: MessageBus, subject: string, contract: JsonContract<T>, add: (message: T) => void, logger: Logger): Subscription {
  let warned = false;
  return bus.subscribe(subject, (message) => {
    try {
      add(contract.decode(message.data));
    } catch (error) {
      if (!warned) logger.warn({ subject: message.subject, err: String(error) }, `dropped a message that breaks its contract (${contract.name}; said once)`);
      warned = true;
    }
  });
}
