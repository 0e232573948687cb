import { createHash } from 'node:crypto';
import {
  DEFAULT_ENROLMENT_TTL_MS,
  enrolmentTokenRecordContract,
  enrolmentTokenState,
  enrolmentTokenText,
  publicEnrolmentToken,
  type EnrolmentCreateRequest,
  type EnrolmentIssued,
  type EnrolmentIssueRequest,
  type EnrolmentListRequest,
  type EnrolmentListResult,
  type EnrolmentToken,
  type EnrolmentTokenRecord,
} from '@roost/contracts';
import { KvConflictError, type KeyValueStore } from '@roost/ports';
import { OrchestratorError } from '../orchestrator-error';

const WRITE_ATTEMPTS = 5;
const NAME_LIMIT = 128;

export interface EnrolmentTokenStoreDeps {
  readonly bucket: KeyValueStore;
  readonly now: () => number;
  /** Cryptographically random bytes: ids (8) and secrets (32). */
  readonly randomBytes: (size: number) => Uint8Array;
}

/**
 * Enrolment tokens in the `enrolment-tokens` bucket, one record per id. The secret of a token
 * exists only in the answer to the command that made it: the bucket keeps its SHA-256.
 */
export class EnrolmentTokenStore {
  constructor(private readonly deps: EnrolmentTokenStoreDeps) {}

  create(request: EnrolmentCreateRequest): Promise<EnrolmentIssued> {
    const now = this.deps.now();
    return this.mint({ name: request.name, scope: request.scope, createdBy: request.actor, expiresAt: now + (request.ttlMs ?? DEFAULT_ENROLMENT_TTL_MS), issuedFrom: null }, now);
  }

  /**
   * A token scoped to one agent, issued from the token it connected with: a group token whose
   * group the agent is in (the caller checked), or that agent's own token (a renewal). It
   * expires no later than `ttlMs` from now and hangs off the token the chain started from, so
   * revoking that one revokes it.
   */
  async issue(request: EnrolmentIssueRequest): Promise<EnrolmentIssued> {
    const now = this.deps.now();
    const from = await this.read(request.fromTokenId);
    const state = enrolmentTokenState(from, now);
    if (state !== 'active') {
      throw new OrchestratorError('enrolment.not_active', `enrolment token ${from.id} is ${state}: nothing is issued from it`, { id: from.id, state });
    }
    if (from.scope.kind === 'agent' && from.scope.agentId !== request.agentId) {
      throw new OrchestratorError('enrolment.scope_mismatch', `enrolment token ${from.id} is for agent ${from.scope.agentId}, not ${request.agentId}`, { id: from.id, agentId: request.agentId });
    }
    const suffix = ` (agent ${request.agentId})`;
    const base = from.scope.kind === 'agent' ? from.name : `${from.name.slice(0, NAME_LIMIT - suffix.length)}${suffix}`;
    return this.mint(
      { name: base, scope: { kind: 'agent', agentId: request.agentId }, createdBy: `gateway ${request.gatewayId}`, expiresAt: now + request.ttlMs, issuedFrom: from.issuedFrom ?? from.id },
      now,
    );
  }

  async list(request: EnrolmentListRequest): Promise<EnrolmentListResult> {
    const now = this.deps.now();
    const keys = await this.deps.bucket.keys();
    const records = (await Promise.all(keys.map((key) => this.find(key)))).filter((record): record is EnrolmentTokenRecord => record !== null);
    const wanted = records.filter((record) => record.issuedFrom === (request.issuedFrom ?? null)).sort((a, b) => b.createdAt - a.createdAt || a.id.localeCompare(b.id));
    const offset = request.offset ?? 0;
    const page = wanted.slice(offset, offset + (request.limit ?? 100));
    return { total: wanted.length, offset, tokens: page.map((record) => publicEnrolmentToken(record, now)) };
  }

  /** Revokes a token (and with it every token issued from it); revoking a revoked token changes nothing. */
  async revoke(id: string, actor: string): Promise<EnrolmentToken> {
    for (let attempt = 1; ; attempt += 1) {
      const entry = await this.deps.bucket.get(id);
      if (entry === null) throw notFound(id);
      const record = enrolmentTokenRecordContract.decode(entry.value);
      const now = this.deps.now();
      if (record.revokedAt !== null) return publicEnrolmentToken(record, now);
      const revoked: EnrolmentTokenRecord = { ...record, revokedAt: now, revokedBy: actor };
      try {
        await this.deps.bucket.update(id, enrolmentTokenRecordContract.encode(revoked), entry.revision);
        return publicEnrolmentToken(revoked, now);
      } catch (error) {
        if (!(error instanceof KvConflictError) || attempt >= WRITE_ATTEMPTS) throw error;
      }
    }
  }

  private async mint(fields: Pick<EnrolmentTokenRecord, 'name' | 'scope' | 'createdBy' | 'expiresAt' | 'issuedFrom'>, now: number): Promise<EnrolmentIssued> {
    for (let attempt = 1; ; attempt += 1) {
      const id = Buffer.from(this.deps.randomBytes(8)).toString('hex');
      const secret = Buffer.from(this.deps.randomBytes(32)).toString('base64url');
      const record: EnrolmentTokenRecord = { id, ...fields, secretSha256: createHash('sha256').update(secret).digest('hex'), createdAt: now, revokedAt: null, revokedBy: null };
      try {
        await this.deps.bucket.create(id, enrolmentTokenRecordContract.encode(record));
        return { token: publicEnrolmentToken(record, now), secret: enrolmentTokenText(id, secret) };
      } catch (error) {
        // Two random 64-bit ids colliding: take another.
        if (!(error instanceof KvConflictError) || attempt >= WRITE_ATTEMPTS) throw error;
      }
    }
  }

  private async read(id: string): Promise<EnrolmentTokenRecord> {
    const record = await this.find(id);
    if (record === null) throw notFound(id);
    return record;
  }

  private async find(id: string): Promise<EnrolmentTokenRecord | null> {
    const entry = await this.deps.bucket.get(id);
    return entry === null ? null : enrolmentTokenRecordContract.decode(entry.value);
  }
}

function notFound(id: string): OrchestratorError {
  return new OrchestratorError('enrolment.not_found', `no enrolment token ${id}; \`roost enrolment list\` shows the tokens there are`, { id });
}
