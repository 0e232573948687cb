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

const fleetEventKind = z.enum(FLEET_EVENT_KINDS);

const fleetEventObject = z.object({
  type: fleetEventKind,
  schemaVersion: z.literal(1),
  /** Unique event id, also the JetStream message id (dedup). */
  id: z.string(),
  at: z.number(),
  agentId: z.string(),
  /**
   * Every part of the agent this event reports changed, `type` first: one report that changes
   * several parts (APPLIED with its new effective config) is one event, not one per part.
   */
  changes: z.array(fleetEventKind).min(1),
  snapshot: agentSnapshotSchema,
}).refine((event) => event.changes[0] === event.type, { path: ['changes'], message: 'must start with the event type' });

/** Events stored before `changes` existed reported a single part: their `type`. */
const withChanges = (raw: unknown): unknown =>
  typeof raw === 'object' && raw !== null && !('changes' in raw) && 'type' in raw ? { ...raw, changes: [raw.type] } : raw;

/**
 * `fleet.agent.<agentId>.<type>` on FLEET_EVENTS. Published only when something changed, at
 * most one per agent report; `type` is the first of `changes` in FLEET_EVENT_KINDS order
 * (a goodbye that also reports a FAILED config is `disconnected`, with both changes).
 */
export const fleetEventSchema = z.preprocess(withChanges, fleetEventObject);
export type FleetEvent = z.output<typeof fleetEventObject>;
export const fleetEventContract = jsonContract<FleetEvent>('fleet event', fleetEventSchema);
