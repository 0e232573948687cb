import { z } from 'zod';
import { jsonContract } from './json-codec';
import { FLEET_EVENT_KINDS } from './subjects';

export const REMOTE_CONFIG_STATES = ['UNSET', 'APPLIED', 'APPLYING', 'FAILED'] as const;

/**
 * The compact view of one agent that every fleet event carries, so a reader never needs an
 * earlier event to know an agent's current state.
 */
export const agentSnapshotSchema = z.object({
  agentId: z.string(),
  gatewayId: z.string(),
  transport: z.enum(['websocket', 'http']),
  connected: z.boolean(),
  /** AgentCapabilities bits (they all fit in 53 bits). */
  capabilities: z.number().int().nonnegative(),
  identifying: z.record(z.string(), z.string()),
  nonIdentifying: z.record(z.string(), z.string()),
  /** Null until the agent reports health (unknown, not unhealthy). */
  health: z
    .object({
      healthy: z.boolean(),
      lastError: z.string(),
      status: z.string(),
      /** When the gateway received this health report (ms since the epoch). */
      reportedAt: z.number(),
    })
    .nullable(),
  remoteConfigStatus: z
    .object({
      /** Lowercase hex of last_remote_config_hash; empty when the agent has none. */
      hash: z.string(),
      status: z.enum(REMOTE_CONFIG_STATES),
      errorMessage: z.string(),
      reportedAt: z.number(),
    })
    .nullable(),
  /** Lowercase hex SHA-256 of the canonical effective config, null when not reported. */
  effectiveConfigHash: z.string().nullable(),
});
export type AgentSnapshot = z.infer<typeof agentSnapshotSchema>;

/** `fleet.agent.<agentId>.<kind>` on FLEET_EVENTS. Published only when something changed. */
export const fleetEventSchema = z.object({
  type: z.enum(FLEET_EVENT_KINDS),
  schemaVersion: z.literal(1),
  /** Unique event id, also the JetStream message id (dedup). */
  id: z.string(),
  at: z.number(),
  agentId: z.string(),
  snapshot: agentSnapshotSchema,
});
export type FleetEvent = z.infer<typeof fleetEventSchema>;
export const fleetEventContract = jsonContract<FleetEvent>('fleet event', fleetEventSchema);

const utf8 = new TextEncoder();

/**
 * The events of one agent report in `fleetEventContract`'s wire form. They share one snapshot
 * object, which is serialized once instead of once per event (an APPLIED report with a new
 * effective config is two events, times every agent of a rollout phase). A service may pass
 * a faster UTF-8 encoder (Node's pooled `Buffer.from`); the bytes are the same.
 */
export function encodeFleetEvents(events: readonly FleetEvent[], utf8Bytes: (text: string) => Uint8Array = (text) => utf8.encode(text)): Uint8Array[] {
  let shared: AgentSnapshot | undefined;
  let sharedJson = '';
  return events.map((event) => {
    if (event.snapshot !== shared) {
      shared = event.snapshot;
      sharedJson = JSON.stringify(event.snapshot);
    }
    // Every field but the snapshot, by name (cheaper than a rest copy); `Required` makes the
    // compiler insist on any field the schema gains.
    const envelope: Required<Omit<FleetEvent, 'snapshot'>> = { type: event.type, schemaVersion: event.schemaVersion, id: event.id, at: event.at, agentId: event.agentId };
    return utf8Bytes(`${JSON.stringify(envelope).slice(0, -1)},"snapshot":${sharedJson}}`);
  });
}
