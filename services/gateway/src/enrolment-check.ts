import { createHash, timingSafeEqual } from 'node:crypto';
import { enrolmentTokenState, type EnrolmentScope, type EnrolmentTokenRecord } from '@roost/contracts';
import { defaultGroupOf } from '@roost/fleet';

/**
 * What a connection authenticated with an enrolment token carries: who the token lets speak,
 * and what it is recorded as on the agent. One per connection (and per HTTP request).
 */
export interface EnrolmentCredential {
  readonly tokenId: string;
  readonly name: string;
  readonly scope: EnrolmentScope;
  /** The token a gateway issued this one from (revoking that one revokes this one); null when an operator made it. */
  readonly issuedFrom: string | null;
  readonly expiresAt: number;
}

/** Where a presented token stands: good (with what it lets speak), or refused with the reason said to the agent. */
export type TokenJudgement = { readonly ok: true; readonly credential: EnrolmentCredential } | { readonly ok: false; readonly reason: string };

/** SHA-256 of a presented secret, as the bucket keeps it. */
export function secretDigest(secret: string): Buffer {
  return createHash('sha256').update(secret).digest();
}

/**
 * Judges a presented token against its record and, for a token a gateway issued, the record
 * of the token it was issued from. An unknown id and a wrong secret get the same answer; only
 * the holder of the right secret learns that it expired or was revoked.
 */
export function judgeEnrolmentToken(
  presented: { readonly id: string; readonly secretDigest: Buffer },
  record: EnrolmentTokenRecord | null,
  parent: EnrolmentTokenRecord | null,
  now: number,
): TokenJudgement {
  if (record === null || record.id !== presented.id || !timingSafeEqual(Buffer.from(record.secretSha256, 'hex'), presented.secretDigest)) {
    return { ok: false, reason: `unknown enrolment token ${presented.id} (no such id, or not its secret)` };
  }
  const state = enrolmentTokenState(record, now);
  if (state === 'revoked') return { ok: false, reason: `enrolment token ${record.id} was revoked at ${new Date(record.revokedAt ?? 0).toISOString()}` };
  if (state === 'expired') return { ok: false, reason: `enrolment token ${record.id} expired at ${new Date(record.expiresAt).toISOString()}` };
  if (record.issuedFrom !== null && (parent === null || parent.revokedAt !== null)) {
    return { ok: false, reason: `enrolment token ${record.id} was issued from token ${record.issuedFrom}, which was revoked` };
  }
  return { ok: true, credential: { tokenId: record.id, name: record.name, scope: record.scope, issuedFrom: record.issuedFrom, expiresAt: record.expiresAt } };
}

/**
 * Why an agent may not speak with this credential, or null when it may. An agent token admits
 * one instance uid; a group token admits agents whose `service.environment` is the group,
 * which can be known only once the agent has described itself (`identifying` null: not yet).
 */
export function scopeRefusal(scope: EnrolmentScope, agentId: string, identifying: Readonly<Record<string, string>> | null): string | null {
  switch (scope.kind) {
    case 'agent':
      return agentId === scope.agentId ? null : `enrolment token is for agent ${scope.agentId}, not ${agentId}`;
    case 'group': {
      if (identifying === null) return null;
      const group = defaultGroupOf({ identifying, nonIdentifying: {} });
      return group === scope.group ? null : `enrolment token is for group ${scope.group}; the agent says service.environment=${group ?? '(none)'}`;
    }
    default:
      return assertNever(scope);
  }
}

function assertNever(value: never): never {
  throw new Error(`unexpected enrolment scope ${JSON.stringify(value)}`);
}
