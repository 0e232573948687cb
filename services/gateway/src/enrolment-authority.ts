import { createHash, timingSafeEqual } from 'node:crypto';
import { enrolmentTokenRecordContract, parseEnrolmentToken, type EnrolmentTokenRecord } from '@roost/contracts';
import type { KeyValueStore, KvEntry, Logger, Subscription } from '@roost/ports';
import { judgeEnrolmentToken, secretDigest, type EnrolmentCredential } from './enrolment-check';

/** Who may connect: anyone, holders of the shared token or of an enrolment token, or enrolment tokens only. */
export interface AgentAuthSettings {
  /** The one shared bearer token (GATEWAY_BEARER_TOKEN); undefined: none. */
  readonly sharedToken: string | undefined;
  /** Only enrolment tokens are accepted (GATEWAY_REQUIRE_ENROLMENT). */
  readonly requireEnrolment: boolean;
}

/** What an upgrade or a request may do: go on (with the enrolment token it showed, if any), or be refused with the reason said. */
export type Authorisation =
  | { readonly ok: true; readonly enrolment: EnrolmentCredential | null }
  | { readonly ok: false; readonly status: 401 | 503; readonly reason: string };

/** Where a connection's token stands now (checked on each of its messages). */
export type TokenStanding = 'ok' | 'revoked' | 'expired';

const ALLOWED: Authorisation = { ok: true, enrolment: null };
/** Cached records at most; the least recently used go first. */
const MAX_CACHED = 100_000;
/** How long "no such token" is believed before the bucket is asked again. */
const ABSENT_FOR_MS = 5_000;

interface CachedToken {
  readonly record: EnrolmentTokenRecord | null;
  readonly revision: number;
  readonly at: number;
}

/**
 * Checks the bearer token of every upgrade and HTTP request against the shared token and the
 * `enrolment-tokens` bucket. Records are read on first use and kept (a bounded cache), kept
 * current by a watch of the bucket's changes; when a cached token, or one it was issued from,
 * is revoked or deleted, `onRevoked` is told its id so live connections using it are cut.
 */
export class EnrolmentAuthority {
  private readonly cache = new Map<string, CachedToken>();
  private readonly reads = new Map<string, Promise<CachedToken>>();
  private readonly sharedDigest: Buffer | null;
  private watch: Subscription | null = null;

  constructor(
    private readonly bucket: KeyValueStore,
    private readonly settings: AgentAuthSettings,
    private readonly deps: { readonly now: () => number; readonly logger: Logger; readonly onRevoked: (tokenId: string) => void },
  ) {
    this.sharedDigest = settings.sharedToken === undefined ? null : sha256(settings.sharedToken);
  }

  async start(): Promise<void> {
    this.watch = await this.bucket.watch((entry) => this.changed(entry), { includeInitial: false });
  }

  stop(): void {
    this.watch?.unsubscribe();
  }

  /** Judges an `Authorization` header; synchronous unless a token's record must be read first. */
  authorise(header: string | undefined): Authorisation | Promise<Authorisation> {
    const open = this.settings.sharedToken === undefined && !this.settings.requireEnrolment;
    if (header === undefined || header.trim() === '') {
      if (open) return ALLOWED;
      return refused(this.settings.requireEnrolment ? 'an enrolment token is required: send Authorization: Bearer roost_et_…' : 'a token is required: send Authorization: Bearer <token>');
    }
    const bearer = /^Bearer\s+(\S+)\s*$/i.exec(header.trim());
    if (bearer === null) return open ? ALLOWED : refused('Authorization must be "Bearer <token>"');
    const token = bearer[1] as string;
    const parsed = parseEnrolmentToken(token);
    if (parsed === null) {
      if (this.sharedDigest !== null && !this.settings.requireEnrolment && timingSafeEqual(sha256(token), this.sharedDigest)) return ALLOWED;
      if (open) return ALLOWED;
      return refused(this.settings.requireEnrolment ? 'this gateway accepts enrolment tokens only (roost_et_…)' : 'the bearer token is not one this gateway accepts');
    }
    if (!parsed.ok) return refused(parsed.reason);
    const presented = { id: parsed.id, secretDigest: secretDigest(parsed.secret) };
    // Every poll of an HTTP agent comes here: what is cached is judged at once.
    const own = this.cached(parsed.id);
    const issuedFrom = own?.record?.issuedFrom ?? null;
    const parent = issuedFrom === null ? null : this.cached(issuedFrom);
    if (own !== undefined && parent !== undefined) return this.judge(presented, own.record, parent?.record ?? null);
    return this.judgeAfterReading(presented);
  }

  /** The token a connection presented, as it stands now: revoked (itself or the token it came from) or expired since. */
  standing(credential: EnrolmentCredential): TokenStanding {
    const now = this.deps.now();
    // A record no longer cached (evicted) is taken as it was: a revocation of it was told to onRevoked.
    const gone = (id: string | null): boolean => {
      if (id === null) return false;
      const entry = this.cache.get(id);
      return entry !== undefined && (entry.record === null || entry.record.revokedAt !== null);
    };
    if (gone(credential.tokenId) || gone(credential.issuedFrom)) return 'revoked';
    return credential.expiresAt <= now ? 'expired' : 'ok';
  }

  private async judgeAfterReading(presented: { id: string; secretDigest: Buffer }): Promise<Authorisation> {
    try {
      const own = await this.read(presented.id);
      const issuedFrom = own.record?.issuedFrom ?? null;
      const parent = issuedFrom === null ? null : (await this.read(issuedFrom)).record;
      return this.judge(presented, own.record, parent);
    } catch (error) {
      this.deps.logger.warn({ tokenId: presented.id, err: String(error) }, 'could not read an enrolment token to check it');
      return { ok: false, status: 503, reason: 'the gateway cannot check enrolment tokens right now; retry shortly' };
    }
  }

  private judge(presented: { id: string; secretDigest: Buffer }, record: EnrolmentTokenRecord | null, parent: EnrolmentTokenRecord | null): Authorisation {
    const judgement = judgeEnrolmentToken(presented, record, parent, this.deps.now());
    return judgement.ok ? { ok: true, enrolment: judgement.credential } : refused(judgement.reason);
  }

  /** A cached entry still to be believed (absent ones only for a few seconds), marked as used. */
  private cached(id: string): CachedToken | undefined {
    const entry = this.cache.get(id);
    if (entry === undefined) return undefined;
    if (entry.record === null && this.deps.now() - entry.at > ABSENT_FOR_MS) {
      this.cache.delete(id);
      return undefined;
    }
    this.cache.delete(id);
    this.cache.set(id, entry);
    return entry;
  }

  private read(id: string): Promise<CachedToken> {
    const known = this.cached(id);
    if (known !== undefined) return Promise.resolve(known);
    let reading = this.reads.get(id);
    if (reading === undefined) {
      reading = this.bucket.get(id).then((entry) => this.remember(id, decode(entry), entry?.revision ?? 0));
      const done = (): void => void this.reads.delete(id);
      reading.then(done, done);
      this.reads.set(id, reading);
    }
    return reading;
  }

  /** Keeps what was read unless the watch already brought something newer. */
  private remember(id: string, record: EnrolmentTokenRecord | null, revision: number): CachedToken {
    const held = this.cache.get(id);
    if (held !== undefined && held.revision > revision) return held;
    const entry = { record, revision, at: this.deps.now() };
    this.cache.set(id, entry);
    if (this.cache.size > MAX_CACHED) this.cache.delete(this.cache.keys().next().value as string);
    return entry;
  }

  private changed(entry: KvEntry): void {
    const held = this.cache.get(entry.key);
    // Tokens not in use here are not kept; one being read is, or the read could bring back an older state.
    if (held === undefined ? !this.reads.has(entry.key) : held.revision >= entry.revision) return;
    let record: EnrolmentTokenRecord | null;
    try {
      record = entry.operation === 'PUT' ? enrolmentTokenRecordContract.decode(entry.value) : null;
    } catch (error) {
      this.deps.logger.warn({ tokenId: entry.key, err: String(error) }, 'unreadable enrolment token record; treating the token as gone');
      record = null;
    }
    this.cache.set(entry.key, { record, revision: entry.revision, at: this.deps.now() });
    const wasLive = held !== undefined && held.record !== null && held.record.revokedAt === null;
    if (wasLive && (record === null || record.revokedAt !== null)) this.deps.onRevoked(entry.key);
  }
}

function decode(entry: KvEntry | null): EnrolmentTokenRecord | null {
  if (entry === null || entry.operation !== 'PUT') return null;
  try {
    return enrolmentTokenRecordContract.decode(entry.value);
  } catch {
    return null;
  }
}

function refused(reason: string): Authorisation {
  return { ok: false, status: 401, reason };
}

function sha256(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}
