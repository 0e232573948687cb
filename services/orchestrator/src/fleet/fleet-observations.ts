import type { AgentSnapshot, FleetEvent } from '@roost/contracts';
import type { FleetAgent } from '@roost/fleet';
import type { AgentObservation } from '@roost/rollout';

/** What a rollout needs besides the fleet event: facts only the orchestrator knows. */
export interface ObservationContext {
  /** The agent's own current remote config, when the `configs` bucket holds it (see previousConfigHash). */
  readonly previousConfigHash: string | null;
  /** Another active rollout holding the agent, if any. */
  readonly lockedBy: string | null;
  readonly now: number;
}

/**
 * The remote config an agent runs now and could be reverted to: the hash it reports APPLIED,
 * provided Roost holds that version (the gateway can only deliver versions from `configs`).
 */
export function previousConfigHash(snapshot: AgentSnapshot | undefined, isKnownConfig: (hash: string) => boolean): string | null {
  const status = snapshot?.remoteConfigStatus;
  if (status === null || status === undefined || status.status !== 'APPLIED' || status.hash === '') return null;
  return isKnownConfig(status.hash) ? status.hash : null;
}

/**
 * The rollout observations one fleet event carries. `agent` is the view's FleetAgent after the
 * event (its `connected` already accounts for gateway liveness). A `connected` event carries a
 * whole snapshot, so the status it holds is observed too (duplicates change nothing in the engine).
 */
export function observationsOf(event: FleetEvent, agent: FleetAgent, context: ObservationContext): AgentObservation[] {
  const { snapshot } = event;
  const agentId = event.agentId;
  switch (event.type) {
    case 'connected':
      return agent.connected ? [{ type: 'AgentConnected', agent, previousConfigHash: context.previousConfigHash, lockedBy: context.lockedBy, now: context.now }, ...statusObservations(snapshot, context.now)] : [described(agent, context)];
    case 'description':
    case 'capabilities':
      return [described(agent, context)];
    case 'health':
      return healthObservations(snapshot, context.now);
    case 'remote-config-status':
      return remoteConfigObservations(snapshot, context.now);
    case 'effective-config':
      return [{ type: 'EffectiveConfigReported', agentId, hash: snapshot.effectiveConfigHash, now: context.now }];
    case 'disconnected':
      return [{ type: 'AgentDisconnected', agentId, now: context.now }];
    default: {
      const unknown: never = event.type;
      throw new Error(`fleet event type ${String(unknown)} has no observation mapping`);
    }
  }
}

/**
 * Everything the view knows about an agent, as observations: used when a rollout must be
 * brought up to date (a new leader, or after the event store refused a decision).
 */
export function reconcileObservations(agentId: string, agent: FleetAgent | undefined, snapshot: AgentSnapshot | undefined, context: ObservationContext): AgentObservation[] {
  if (agent === undefined || snapshot === undefined || !agent.connected) {
    return [...(agent !== undefined ? [described(agent, context)] : []), { type: 'AgentDisconnected', agentId, now: context.now }];
  }
  return [{ type: 'AgentConnected', agent, previousConfigHash: context.previousConfigHash, lockedBy: context.lockedBy, now: context.now }, ...statusObservations(snapshot, context.now)];
}

function described(agent: FleetAgent, context: ObservationContext): AgentObservation {
  return { type: 'AgentDescribed', agent, previousConfigHash: context.previousConfigHash, lockedBy: context.lockedBy, now: context.now };
}

function statusObservations(snapshot: AgentSnapshot, now: number): AgentObservation[] {
  const observations = [...remoteConfigObservations(snapshot, now), ...healthObservations(snapshot, now)];
  if (snapshot.effectiveConfigHash !== null) observations.push({ type: 'EffectiveConfigReported', agentId: snapshot.agentId, hash: snapshot.effectiveConfigHash, now });
  return observations;
}

function remoteConfigObservations(snapshot: AgentSnapshot, now: number): AgentObservation[] {
  const status = snapshot.remoteConfigStatus;
  if (status === null) return [];
  return [{ type: 'RemoteConfigStatusReported', agentId: snapshot.agentId, hash: status.hash, status: status.status, errorMessage: status.errorMessage, now }];
}

function healthObservations(snapshot: AgentSnapshot, now: number): AgentObservation[] {
  const health = snapshot.health;
  if (health === null) return [];
  return [{ type: 'HealthReported', agentId: snapshot.agentId, healthy: health.healthy, lastError: health.lastError, observedAt: health.reportedAt, now }];
}
