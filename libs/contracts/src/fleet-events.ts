import { z } from 'zod';
import { jsonContract } from './json-codec';
import { FLEET_EVENT_KINDS } from './subjects';

export const REMOTE_CONFIG_STATES = ['UNSET', 'APPLIED', 'APPLYING', 'FAILED'] as const;

/** Who the agent's TLS client certificate (mTLS) says it is: what an operator checks against their PKI. */
export const clientCertificateSchema = z.object({
  subject: z.string().meta({ description: "the certificate's subject common name (CN); '' when it has none" }),
  subjectAltNames: z.array(z.string()).meta({ description: 'its subject alternative names as the certificate lists them (`DNS:collector-7.example`, `URI:spiffe://…`, `IP Address:10.0.0.7`)' }),
  issuer: z.string().meta({ description: "the issuer's common name (CN); '' when it has none" }),
  serialNumber: z.string().meta({ description: 'uppercase hex, as openssl prints it' }),
  fingerprintSha256: z.string().meta({ description: 'SHA-256 of the DER certificate, uppercase hex pairs joined by colons (`openssl x509 -noout -fingerprint -sha256`)' }),
  notAfter: z.number().meta({ description: 'when the certificate expires (ms since the epoch)' }),
});
export type ClientCertificate = z.infer<typeof clientCertificateSchema>;

/** The enrolment token an agent connected with (instead of the shared token): which one, by id and name. */
export const agentEnrolmentSchema = z.object({
  tokenId: z.string().meta({ description: 'the token\'s id (`roost_et_<id>_…`)' }),
  name: z.string().meta({ description: 'the token\'s name' }),
  issuedFrom: z.string().nullable().meta({ description: 'for a token a gateway issued to this agent: the token it was issued from; null for one an operator made' }),
});
export type AgentEnrolment = z.infer<typeof agentEnrolmentSchema>;

/**
 * The compact view of one agent that every fleet event carries, so a reader never needs an
 * earlier event to know an agent's current state.
 */
export const agentSnapshotSchema = z.object({
  agentId: z.string().meta({ description: 'the agent instance uid, canonical text (UUID)' }),
  gatewayId: z.string().meta({ description: 'the gateway holding the agent' }),
  transport: z.enum(['websocket', 'http']),
  connected: z.boolean().meta({ description: 'as the gateway sees it (a gateway that died says true: watch the gateways bucket)' }),
  capabilities: z.number().int().nonnegative().meta({ description: 'OpAMP AgentCapabilities bits (they all fit in 53 bits)' }),
  identifying: z.record(z.string(), z.string()).meta({ description: 'identifying attributes of the agent description, as text' }),
  nonIdentifying: z.record(z.string(), z.string()).meta({ description: 'non-identifying attributes of the agent description, as text' }),
  health: z
    .object({
      healthy: z.boolean(),
      lastError: z.string(),
      status: z.string(),
      reportedAt: z.number().meta({ description: 'when the gateway received this health report (ms since the epoch)' }),
      componentErrors: z
        .array(z.string())
        .optional()
        .meta({ description: "unhealthy components' errors (`path: error`, component names from the top), deepest first, at most 8; absent in events of earlier gateways" }),
    })
    .nullable()
    .meta({ description: 'null until the agent reports health (unknown, not unhealthy)' }),
  remoteConfigStatus: z
    .object({
      hash: z.string().meta({ description: "lowercase hex of last_remote_config_hash; '' when the agent has none" }),
      status: z.enum(REMOTE_CONFIG_STATES),
      errorMessage: z.string(),
      reportedAt: z.number().meta({ description: 'when the gateway received this status (ms since the epoch)' }),
    })
    .nullable()
    .meta({ description: 'null until the agent reports one' }),
  effectiveConfigHash: z.string().nullable().meta({ description: 'lowercase hex SHA-256 of the canonical effective config, null when not reported' }),
  availableComponents: z
    .array(z.string())
    .nullable()
    .optional()
    .meta({ description: 'the components the agent can run, `kind/type` (`receivers/otlp`), from its AvailableComponents; null while unknown, absent in events of earlier gateways' }),
  clientCertificate: clientCertificateSchema
    .nullable()
    .optional()
    .meta({ description: 'the TLS client certificate the agent connected with (mTLS), null without one; absent in events of earlier gateways' }),
  enrolment: agentEnrolmentSchema
    .nullable()
    .optional()
    .meta({ description: 'the enrolment token the agent connected with, null when it used the shared token or none; absent in events of earlier gateways' }),
});
export type AgentSnapshot = z.infer<typeof agentSnapshotSchema>;

export const FLEET_EVENT_SCHEMA_VERSION = 1;

const fleetEventKind = z.enum(FLEET_EVENT_KINDS);

/** A fleet event as published (the JSON Schemas of docs/events/schemas are made from it). */
export const fleetEventBaseSchema = z.object({
  type: fleetEventKind.meta({ description: 'the first of `changes`; also the last subject token' }),
  schemaVersion: z.literal(FLEET_EVENT_SCHEMA_VERSION),
  id: z.string().meta({ description: 'unique (`<gatewayId>.<boot>.<n>`); also the JetStream message id (dedup)' }),
  at: z.number().meta({ description: 'when the gateway saw the change (ms since the epoch, gateway clock)' }),
  agentId: z.string().meta({ description: 'the agent instance uid, canonical text (UUID); also a subject token' }),
  // One report that changes several parts (APPLIED with its new effective config) is one event, not one per part.
  changes: z.array(fleetEventKind).min(1).meta({ description: 'every part of the agent this event reports changed, `type` first' }),
  snapshot: agentSnapshotSchema.meta({ description: "the agent's whole current state: the latest event of an agent is its state" }),
});
const fleetEventObject = fleetEventBaseSchema.refine((event) => event.changes[0] === event.type, { path: ['changes'], message: 'must start with the event type' });

const KNOWN_KINDS: ReadonlySet<unknown> = new Set(FLEET_EVENT_KINDS);

/**
 * Events stored before `changes` existed reported a single part: their `type`. Parts a newer
 * gateway reports and this version does not know are left out of `changes`.
 */
const withChanges = (raw: unknown): unknown => {
  if (typeof raw !== 'object' || raw === null || !('type' in raw)) return raw;
  if (!('changes' in raw)) return { ...raw, changes: [raw.type] };
  return Array.isArray(raw.changes) ? { ...raw, changes: raw.changes.filter((kind) => KNOWN_KINDS.has(kind)) } : raw;
};

/**
 * `fleet.agent.<agentId>.<type>` on FLEET_EVENTS. Published only when something changed, at
 * most one per agent report; `type` is the first of `changes` in FLEET_EVENT_KINDS order
 * (a goodbye that also reports a FAILED config is `disconnected`, with both changes).
 */
export const fleetEventSchema = z.preprocess(withChanges, fleetEventObject);
export type FleetEvent = z.output<typeof fleetEventObject>;
/** Decoding throws UnreadableEventError for a kind or schema version of a newer Roost (skip it). */
export const fleetEventContract = jsonContract<FleetEvent>('fleet event', fleetEventSchema, { types: FLEET_EVENT_KINDS, schemaVersion: FLEET_EVENT_SCHEMA_VERSION });
