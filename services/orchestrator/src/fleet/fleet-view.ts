import type { AgentSnapshot, FleetEvent } from '@roost/contracts';
import type { FleetAgent } from '@roost/fleet';
import type { GatewayLiveness } from './gateway-liveness';

interface AgentEntry {
  readonly snapshot: AgentSnapshot;
  /** The event time (gateway clock) of the snapshot. */
  readonly at: number;
  /** The remote config hash it last reported APPLIED (it still runs it after a FAILED for another). */
  readonly lastApplied: string | null;
}

/**
 * The orchestrator's picture of the fleet: the latest snapshot of each agent from
 * FLEET_EVENTS, with connectedness judged against gateway liveness.
 */
export class FleetView {
  private readonly agents = new Map<string, AgentEntry>();

  constructor(readonly gateways: GatewayLiveness) {}

  get size(): number {
    return this.agents.size;
  }

  /**
   * Applies one event. Snapshots are complete, so the latest wins — except a `disconnected`
   * from a gateway the agent has already left for a live one (the old gateway noticed late).
   * Returns false when the event was ignored.
   */
  apply(event: FleetEvent): boolean {
    const { snapshot } = event;
    this.gateways.referenced(snapshot.gatewayId, event.at);
    const current = this.agents.get(event.agentId);
    if (current !== undefined && isStaleDisconnect(current, snapshot) && this.gateways.holds(current.snapshot.gatewayId, current.at)) return false;
    const status = snapshot.remoteConfigStatus;
    const lastApplied = status === null || status.hash === '' ? null : status.status === 'APPLIED' ? status.hash : (current?.lastApplied ?? null);
    this.agents.set(event.agentId, { snapshot, at: event.at, lastApplied });
    return true;
  }

  /** The remote config hash the agent last reported APPLIED, or null. */
  lastAppliedHash(agentId: string): string | null {
    return this.agents.get(agentId)?.lastApplied ?? null;
  }

  snapshot(agentId: string): AgentSnapshot | undefined {
    return this.agents.get(agentId)?.snapshot;
  }

  /** The agent as fleet and rollout logic see it, or undefined when never seen. */
  agent(agentId: string): FleetAgent | undefined {
    const entry = this.agents.get(agentId);
    return entry === undefined ? undefined : this.toFleetAgent(entry);
  }

  all(): FleetAgent[] {
    const agents: FleetAgent[] = [];
    for (const entry of this.agents.values()) agents.push(this.toFleetAgent(entry));
    return agents;
  }

  /** The gateway holding the agent now, or null when it is not connected anywhere. */
  gatewayOf(agentId: string): string | null {
    const entry = this.agents.get(agentId);
    return entry !== undefined && this.connected(entry) ? entry.snapshot.gatewayId : null;
  }

  /** Agents whose snapshot names this gateway (connected or not). */
  agentsOf(gatewayId: string): string[] {
    const found: string[] = [];
    for (const [agentId, entry] of this.agents) if (entry.snapshot.gatewayId === gatewayId) found.push(agentId);
    return found;
  }

  private toFleetAgent(entry: AgentEntry): FleetAgent {
    const { snapshot } = entry;
    return {
      agentId: snapshot.agentId,
      connected: this.connected(entry),
      capabilities: snapshot.capabilities,
      identifying: snapshot.identifying,
      nonIdentifying: snapshot.nonIdentifying,
      ...(snapshot.availableComponents === undefined || snapshot.availableComponents === null ? {} : { availableComponents: snapshot.availableComponents }),
    };
  }

  private connected(entry: AgentEntry): boolean {
    return entry.snapshot.connected && this.gateways.holds(entry.snapshot.gatewayId, entry.at);
  }
}

function isStaleDisconnect(current: AgentEntry, next: AgentSnapshot): boolean {
  return !next.connected && current.snapshot.connected && current.snapshot.gatewayId !== next.gatewayId;
}
