import { collectorErrorsContract, subjects, type CollectorErrors } from '@roost/contracts';
import { hasCapability, type FleetAgent } from '@roost/fleet';
import type { Logger, MessageBus, Subscription } from '@roost/ports';
import type { CollectorErrorsOf } from '@roost/rollout';
import { appendErrors, errorsSince, type ReceivedError } from '@roost/telemetry';
import { followMessages, RecentByAgent } from './recent-by-agent';

/**
 * The recent error-level records of each agent's own logs, as the gateways publish them on
 * `telemetry.logs.<uid>` (see docs/rollouts.md, "The collector's own errors"): an apply or health
 * failure is named by the collector's own error when one arrived since the push. Leader and
 * standbys all listen. Bounded: `recordsPerAgent` per agent, `maxAgents` agents (the agent heard
 * from longest ago goes first). Lost on restart.
 */
export class CollectorErrorLog {
  private readonly rings: RecentByAgent<ReceivedError>;

  constructor(private readonly limits: { readonly maxAgents: number; readonly recordsPerAgent: number }) {
    this.rings = new RecentByAgent(limits.maxAgents);
  }

  get agents(): number {
    return this.rings.agents;
  }

  add(message: CollectorErrors): void {
    this.rings.update(message.agentId, (ring) => appendErrors(ring, message, this.limits.recordsPerAgent));
  }

  /** The texts of the agent's records received from `since` on, newest first, each once. */
  since(agentId: string, since: number): string[] {
    return errorsSince(this.rings.of(agentId) ?? [], since).map((record) => record.text);
  }

  /** What the rollout engine reads: null for agents that do not report ReportsOwnLogs. */
  errorsOf(agentOf: (agentId: string) => FleetAgent | undefined): CollectorErrorsOf {
    return (agentId, since) => {
      const agent = agentOf(agentId);
      if (agent === undefined || !hasCapability(agent.capabilities, 'ReportsOwnLogs')) return null;
      return this.since(agentId, since);
    };
  }
}

/** Follows every agent's error records into the log; a message that breaks the contract is logged and dropped. */
export function listenForCollectorErrors(bus: MessageBus, log: CollectorErrorLog, logger: Logger): Subscription {
  return followMessages(bus, subjects.collectorErrorsAll, collectorErrorsContract, (message) => log.add(message), logger);
}
