import { z } from 'zod';
import { commandReplyContract } from './rollout-commands';
import { jsonContract } from './json-codec';

/**
 * Agent enrolment tokens: credentials an agent presents as `Authorization: Bearer <token>`
 * instead of (or besides) the gateways' one shared token. Each is scoped to one group (agents
 * whose `service.environment` equals it) or one agent (its instance uid), expires, and can be
 * revoked alone. The text is `roost_et_<id>_<secret>`; the `enrolment-tokens` bucket keeps, under
 * `<id>`, the record below: the SHA-256 of the secret, never the secret.
 */

export const ENROLMENT_TOKEN_PREFIX = 'roost_et_';
/** 16 lowercase hex characters: a KV key token, and no `_` (the secret follows the next one). */
export const enrolmentTokenIdSchema = z.string().regex(/^[0-9a-f]{16}$/, 'an enrolment token id is 16 lowercase hex characters');
const SECRET_PATTERN = /^[-_A-Za-z0-9]{43}$/;
/** Tokens are named for people: which fleet, host or pipeline holds them. */
export const enrolmentTokenNameSchema = z
  .string()
  .min(1, 'name the token (who or what holds it)')
  .max(128, 'a token name is at most 128 characters')
  .refine((name) => ![...name].some((c) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f), 'a token name has no control characters');

/** The longest an enrolment token lives: ten years. */
export const MAX_ENROLMENT_TTL_MS = 3650 * 24 * 3_600_000;
/** How long a token created without an expiry lives: 30 days. */
export const DEFAULT_ENROLMENT_TTL_MS = 30 * 24 * 3_600_000;

export const enrolmentScopeSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('group'),
    group: z.string().min(1, 'name the group (the agents\u2019 service.environment)').max(256).meta({ description: 'agents whose `service.environment` identifying attribute equals this' }),
  }),
  z.object({
    kind: z.literal('agent'),
    agentId: z
      .string()
      .regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/, 'an agent id is its instance uid as lowercase UUID text')
      .meta({ description: 'the one agent (instance uid, UUID text) the token may speak for' }),
  }),
]);
export type EnrolmentScope = z.infer<typeof enrolmentScopeSchema>;

/** What the `enrolment-tokens` bucket keeps under the token's id. */
export const enrolmentTokenRecordSchema = z.object({
  id: enrolmentTokenIdSchema,
  name: enrolmentTokenNameSchema,
  scope: enrolmentScopeSchema,
  /** Lowercase hex SHA-256 of the secret (the part after `roost_et_<id>_`). */
  secretSha256: z.string().regex(/^[0-9a-f]{64}$/),
  createdAt: z.number(),
  createdBy: z.string(),
  expiresAt: z.number(),
  revokedAt: z.number().nullable(),
  revokedBy: z.string().nullable(),
  /** A token a gateway issued to one agent is only as good as the token it was issued from (revoking that one revokes it). */
  issuedFrom: enrolmentTokenIdSchema.nullable(),
});
export type EnrolmentTokenRecord = z.infer<typeof enrolmentTokenRecordSchema>;
export const enrolmentTokenRecordContract = jsonContract<EnrolmentTokenRecord>('enrolment token record', enrolmentTokenRecordSchema);

export const ENROLMENT_TOKEN_STATES = ['active', 'expired', 'revoked'] as const;
export type EnrolmentTokenState = (typeof ENROLMENT_TOKEN_STATES)[number];

/** A token as the API shows it: the record without its hash, with its state now. */
export const enrolmentTokenSchema = enrolmentTokenRecordSchema.omit({ secretSha256: true }).extend({ state: z.enum(ENROLMENT_TOKEN_STATES) });
export type EnrolmentToken = z.infer<typeof enrolmentTokenSchema>;

const actor = z.string().min(1, 'name the actor (user or system) issuing the command');

export const enrolmentCreateRequestSchema = z.object({
  name: enrolmentTokenNameSchema,
  scope: enrolmentScopeSchema,
  /** Lifetime from now; default 30 days, at most ten years. */
  ttlMs: z.number().int().positive().max(MAX_ENROLMENT_TTL_MS, 'an enrolment token lives at most ten years').optional(),
  actor,
});
export type EnrolmentCreateRequest = z.infer<typeof enrolmentCreateRequestSchema>;

/** A token just made: the only time its text (with the secret) is ever shown. */
export const enrolmentIssuedSchema = z.object({ token: enrolmentTokenSchema, secret: z.string() });
export type EnrolmentIssued = z.infer<typeof enrolmentIssuedSchema>;

/** Tokens operators made (newest first), or with `issuedFrom` the ones gateways issued from that token to its agents. */
export const enrolmentListRequestSchema = z.object({
  offset: z.number().int().nonnegative().optional(),
  limit: z.number().int().positive().max(1000).optional(),
  issuedFrom: enrolmentTokenIdSchema.optional(),
});
export type EnrolmentListRequest = z.infer<typeof enrolmentListRequestSchema>;
export const enrolmentListResultSchema = z.object({ total: z.number().int(), offset: z.number().int(), tokens: z.array(enrolmentTokenSchema) });
export type EnrolmentListResult = z.infer<typeof enrolmentListResultSchema>;

export const enrolmentRevokeRequestSchema = z.object({ id: enrolmentTokenIdSchema, actor });
export type EnrolmentRevokeRequest = z.infer<typeof enrolmentRevokeRequestSchema>;

/**
 * A gateway asks for a token scoped to one agent, issued from the token that agent connected
 * with (the handover of connection-settings-offer.ts).
 */
export const enrolmentIssueRequestSchema = z.object({ fromTokenId: enrolmentTokenIdSchema, agentId: z.string(), ttlMs: z.number().int().positive().max(MAX_ENROLMENT_TTL_MS), gatewayId: z.string().min(1) });
export type EnrolmentIssueRequest = z.infer<typeof enrolmentIssueRequestSchema>;

export const enrolmentCreateRequestContract = jsonContract<EnrolmentCreateRequest>('enrolment create request', enrolmentCreateRequestSchema);
export const enrolmentListRequestContract = jsonContract<EnrolmentListRequest>('enrolment list request', enrolmentListRequestSchema);
export const enrolmentRevokeRequestContract = jsonContract<EnrolmentRevokeRequest>('enrolment revoke request', enrolmentRevokeRequestSchema);
export const enrolmentIssueRequestContract = jsonContract<EnrolmentIssueRequest>('enrolment issue request', enrolmentIssueRequestSchema);
export const enrolmentIssuedReplyContract = commandReplyContract('enrolment issued reply', enrolmentIssuedSchema);
export const enrolmentListReplyContract = commandReplyContract('enrolment list reply', enrolmentListResultSchema);
export const enrolmentTokenReplyContract = commandReplyContract('enrolment token reply', enrolmentTokenSchema);

/** The text an agent presents: `roost_et_<id>_<secret>`. */
export function enrolmentTokenText(id: string, secret: string): string {
  return `${ENROLMENT_TOKEN_PREFIX}${id}_${secret}`;
}

export type ParsedEnrolmentToken = { readonly ok: true; readonly id: string; readonly secret: string } | { readonly ok: false; readonly reason: string };

/**
 * Reads a presented bearer token as an enrolment token. `null`: not one (no `roost_et_`
 * prefix: the shared token, or nothing Roost made); otherwise its id and secret, or why it
 * cannot be one (said to the agent).
 */
export function parseEnrolmentToken(text: string): ParsedEnrolmentToken | null {
  if (!text.startsWith(ENROLMENT_TOKEN_PREFIX)) return null;
  const rest = text.slice(ENROLMENT_TOKEN_PREFIX.length);
  const cut = rest.indexOf('_');
  const id = cut === -1 ? rest : rest.slice(0, cut);
  const secret = cut === -1 ? '' : rest.slice(cut + 1);
  if (!enrolmentTokenIdSchema.safeParse(id).success || !SECRET_PATTERN.test(secret)) {
    return { ok: false, reason: 'malformed enrolment token: expected roost_et_<16 hex id>_<43-character secret>' };
  }
  return { ok: true, id, secret };
}

/** Where a token stands at `now`: revoked outranks expired. */
export function enrolmentTokenState(record: Pick<EnrolmentTokenRecord, 'revokedAt' | 'expiresAt'>, now: number): EnrolmentTokenState {
  if (record.revokedAt !== null) return 'revoked';
  return record.expiresAt <= now ? 'expired' : 'active';
}

/** The API's view of a record: no hash, its state now. */
export function publicEnrolmentToken(record: EnrolmentTokenRecord, now: number): EnrolmentToken {
  const { secretSha256: _hash, ...rest } = record;
  return { ...rest, state: enrolmentTokenState(record, now) };
}
