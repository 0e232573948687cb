import type { AgentSnapshot, FleetEvent, FleetEventKind } from '@roost/contracts';
import type { FleetAgent } from '@roost/fleet';
import type { AgentObservation } from './inputs';

/** What a rollout needs besides the fleet event: facts only the orchestrator knows. */
export interface ObservationContext {
  /** The agent's own current remote config, when the `configs` bucket holds it (see previousConfigHash). */
  readonly previousConfigHash: string | null;
  /** The remote config it runs when Roost does not hold it (see unknownConfigHash); absent: none. */
  readonly unknownConfigHash?: string | null;
  /** Another active rollout holding the agent, if any. */
  readonly lockedBy: string | null;
  readonly now: number;
}

/**
 * The remote config an agent runs now: the hash it reports APPLIED; while its latest report is
 * FAILED or APPLYING for another config, the one it last reported APPLIED (`lastAppliedHash`,
 * which it still runs). Null when it never reported a remote config applied.
 */
export function runningConfigHash(snapshot: AgentSnapshot | undefined, lastAppliedHash: string | null = null): string | null {
  const status = snapshot?.remoteConfigStatus;
  if (status === null || status === undefined || status.hash === '') return null;
  if (status.status === 'APPLIED') return status.hash;
  return status.status === 'FAILED' || status.status === 'APPLYING' ? lastAppliedHash : null;
}

/**
 * The remote config an agent runs now and could be reverted to (runningConfigHash), provided
 * Roost holds that version (the gateway can only deliver versions from `configs`).
 */
export function previousConfigHash(snapshot: AgentSnapshot | undefined, isKnownConfig: (hash: string) => boolean, lastAppliedHash: string | null = null): string | null {
  const running = runningConfigHash(snapshot, lastAppliedHash);
  return running !== null && isKnownConfig(running) ? running : null;
}

/** The remote config the agent runs when Roost does not hold it (another server pushed it), else null. */
export function unknownConfigHash(snapshot: AgentSnapshot | undefined, isKnownConfig: (hash: string) => boolean, lastAppliedHash: string | null = null): string | null {
  const running = runningConfigHash(snapshot, lastAppliedHash);
  return running !== null && !isKnownConfig(running) ? running : null;
}

/**
 * The rollout observations one fleet event carries. `agent` is the view's FleetAgent after the
 * event (its `connected` already accounts for gateway liveness). Every event carries the whole
 * snapshot, and the gateway publishes health only when it changes, so each event also reports
 * the snapshot's remote config status, health (with the time it was last reported) and
 * effective config: repeats change nothing in the engine, and an agent that reports APPLIED and
 * "still healthy" in one message shows health since the push. A plain disconnect is only that;
 * a goodbye that also reports (FAILED, say) is the report, then the disconnect.
 */
export function observationsOf(event: FleetEvent, agent: FleetAgent, context: ObservationContext): AgentObservation[] {
  const has = (kind: FleetEventKind): boolean => event.changes.includes(kind);
  const observations: AgentObservation[] = [];
  if (has('connected')) observations.push(agent.connected ? connectedObservation(agent, context) : described(agent, context));
  else if (has('description') || has('capabilities')) observations.push(described(agent, context));
  if (event.changes.some((kind) => kind !== 'disconnected')) observations.push(...statusObservations(event.snapshot, context.now));
  if (has('disconnected')) observations.push({ type: 'AgentDisconnected', agentId: event.agentId, now: context.now });
  return observations;
}

/**
 * Everything the view knows about an agent, as observations: used when a rollout must be
 * brought up to date (a new leader, or after the event store refused a decision).
 */
export function reconcileObservations(agentId: string, agent: FleetAgent | undefined, snapshot: AgentSnapshot | undefined, context: ObservationContext): AgentObservation[] {
  if (agent === undefined || snapshot === undefined || !agent.connected) {
    return [...(agent !== undefined ? [described(agent, context)] : []), { type: 'AgentDisconnected', agentId, now: context.now }];
  }
  return [connectedObservation(agent, context), ...statusObservations(snapshot, context.now)];
}

function connectedObservation(agent: FleetAgent, context: ObservationContext): AgentObservation {
  return { type: 'AgentConnected', agent, previousConfigHash: context.previousConfigHash, ...unknown(context), lockedBy: context.lockedBy, now: context.now };
}

function described(agent: FleetAgent, context: ObservationContext): AgentObservation {
  return { type: 'AgentDescribed', agent, previousConfigHash: context.previousConfigHash, ...unknown(context), lockedBy: context.lockedBy, now: context.now };
}

function unknown(context: ObservationContext): { unknownConfigHash?: string } {
  return context.unknownConfigHash === undefined || context.unknownConfigHash === null ? {} : { unknownConfigHash: context.unknownConfigHash };
}

function statusObservations(snapshot: AgentSnapshot, now: number): AgentObservation[] {
  const observations = [...remoteConfigObservations(snapshot, now), ...healthObservations(snapshot, now)];
  if (snapshot.effectiveConfigHash !== null) observations.push({ type: 'EffectiveConfigReported', agentId: snapshot.agentId, hash: snapshot.effectiveConfigHash, now });
  return observations;
}

function remoteConfigObservations(snapshot: AgentSnapshot, now: number): AgentObservation[] {
  const status = snapshot.remoteConfigStatus;
  if (status === null) return [];
  const health = snapshot.health;
  const reportedHealth = health === null ? {} : { healthError: health.lastError, componentErrors: health.componentErrors ?? [], healthObservedAt: health.reportedAt };
  return [{ type: 'RemoteConfigStatusReported', agentId: snapshot.agentId, hash: status.hash, status: status.status, errorMessage: status.errorMessage, ...reportedHealth, now }];
}

function healthObservations(snapshot: AgentSnapshot, now: number): AgentObservation[] {
  const health = snapshot.health;
  if (health === null) return [];
  return [{ type: 'HealthReported', agentId: snapshot.agentId, healthy: health.healthy, lastError: health.lastError, componentErrors: health.componentErrors ?? [], observedAt: health.reportedAt, now }];
}
