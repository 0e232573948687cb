import { z } from 'zod';
import { jsonContract } from './json-codec';

/**
 * The audit trail of the admin API: one `AdminRequestHandled` event per write request (allowed,
 * refused or denied), on `audit.<resource>.<verb>` in the `AUDIT` stream. Who, what, when and
 * the result; bulky inputs (config YAML) are kept as their size, not their text.
 */
export const AUDIT_EVENT_SCHEMA_VERSION = 1;
/** The one audit event type so far. */
export const AUDIT_EVENT_TYPES = ['AdminRequestHandled'] as const;

export const API_ROLES = ['viewer', 'operator', 'admin'] as const;
export type ApiRole = (typeof API_ROLES)[number];

export const auditRecordSchema = z.object({
  type: z.literal(AUDIT_EVENT_TYPES[0]),
  schemaVersion: z.literal(AUDIT_EVENT_SCHEMA_VERSION),
  /** Unique; also the JetStream message id. */
  id: z.string(),
  /** Milliseconds since the epoch, when the answer was known. */
  at: z.number(),
  /** The token's name, or `anonymous` / `unauthenticated`; role null when none was established. */
  actor: z.object({ name: z.string(), role: z.enum(API_ROLES).nullable() }),
  transport: z.enum(['http', 'grpc']),
  /** `<resource>.<verb>`, e.g. `rollout.start`, `config.create`. */
  operation: z.string(),
  /** The rollout id or config name acted on, when known. */
  subject: z.string().nullable(),
  request: z.record(z.string(), z.unknown()),
  result: z.object({
    outcome: z.enum(['ok', 'refused', 'denied']),
    /** HTTP status the caller got (gRPC callers get the matching gRPC code). */
    status: z.number(),
    code: z.string().nullable(),
    message: z.string().nullable(),
  }),
});
export type AuditRecord = z.infer<typeof auditRecordSchema>;
/** Decoding throws UnreadableEventError for a type or schema version of a newer Roost (skip it). */
export const auditRecordContract = jsonContract<AuditRecord>('audit record', auditRecordSchema, { types: AUDIT_EVENT_TYPES, schemaVersion: AUDIT_EVENT_SCHEMA_VERSION });
