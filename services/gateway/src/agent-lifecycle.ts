import type { FleetEvent } from '@roost/contracts';
import { instanceUidToBytes, type ServerToAgentInit } from '@roost/opamp';
import { fleetEvent, latestDesired, type AgentRecord, type DesiredEntry, type EventContext } from './agent-record';
import { attachOffers, serverCapabilities, type MessageContext } from './handle-agent-message';

/**
 * The agent is gone without a message saying so (socket closed, HTTP polls missed, replaced
 * by nothing): the record stays for a reconnect, and a `disconnected` event says it.
 */
export function markDisconnected(
  record: AgentRecord,
  ctx: EventContext,
): { record: AgentRecord; event: FleetEvent | null } {
  if (!record.connected) return { record, event: null };
  // lastSeenAt moves to now: retention of a disconnected record counts from the disconnect.
  const next: AgentRecord = { ...record, connected: false, lastSeenAt: ctx.now };
  return {
    record: next,
    event: fleetEvent(['disconnected'], next, ctx),
  };
}

export interface Reconciliation {
  readonly record: AgentRecord;
  /** A message to push (WebSocket) when there is something to offer; null when nothing is due. */
  readonly message: ServerToAgentInit | null;
  readonly missingConfig: string | null;
}

/**
 * Level-triggered delivery outside a reply (a push nudge, or a config that finished loading):
 * records the desired hash and builds the message the agent should get now, if any. For an
 * HTTP agent nothing can be pushed: the caller keeps the record, and the next poll's reply
 * carries the offer (only the latest desired config is ever queued).
 */
export function reconcileConfig(
  record: AgentRecord,
  desired: DesiredEntry | undefined,
  ctx: Pick<MessageContext, 'now' | 'redeliverAfterMs' | 'heartbeatIntervalSeconds' | 'offerable'>,
): Reconciliation {
  const withDesired = desired === undefined ? record : { ...record, ...latestDesired(record, desired) };
  if (!withDesired.connected || withDesired.transport !== 'websocket') return { record: withDesired, message: null, missingConfig: null };
  const message: ServerToAgentInit = {
    instanceUid: instanceUidToBytes(record.agentId),
    capabilities: serverCapabilities(ctx.heartbeatIntervalSeconds > 0),
  };
  const offered = attachOffers(withDesired, message, ctx);
  // A heartbeat offer alone is not worth a push: it waits for the agent's next message.
  if (!message.remoteConfig) return { record: withDesired, message: null, missingConfig: offered.missingConfig };
  return { record: offered.record, message, missingConfig: null };
}
