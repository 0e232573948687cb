import { createHash } from 'node:crypto';
import { API_ROLES, type ApiRole } from '@roost/contracts';
import { AdminError } from '../errors/admin-error';

/** A token as configuration holds it: never the token itself, only its SHA-256. */
export interface ApiTokenSpec {
  /** Who holds it; audit records name this. */
  readonly name: string;
  readonly role: ApiRole;
  /** Hex SHA-256 of the token (`printf %s "$TOKEN" | sha256sum`). */
  readonly sha256: string;
}

/** Whoever a request acts as, once its token was checked. */
export interface Caller {
  readonly name: string;
  readonly role: ApiRole;
}

const HEX_SHA256 = /^[0-9a-f]{64}$/;

export function sha256Hex(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/**
 * Checks presented bearer tokens against the configured hashes. With `anonymousRole` set, a
 * request without any token acts as `anonymous` with that role (a laptop without tokens); a
 * wrong token is refused all the same.
 */
export class ApiTokens {
  private readonly byHash = new Map<string, Caller>();

  constructor(
    specs: readonly ApiTokenSpec[],
    readonly anonymousRole: ApiRole | null,
  ) {
    for (const spec of specs) {
      const hash = spec.sha256.toLowerCase();
      if (!HEX_SHA256.test(hash)) throw new Error(`API token "${spec.name}": sha256 must be 64 hex characters (printf %s "$TOKEN" | sha256sum)`);
      if (!API_ROLES.includes(spec.role)) throw new Error(`API token "${spec.name}": role must be one of ${API_ROLES.join(', ')}, got "${String(spec.role)}"`);
      if (this.byHash.has(hash)) throw new Error(`API token "${spec.name}" has the same hash as "${this.byHash.get(hash)?.name}"; give each holder a token of their own`);
      this.byHash.set(hash, { name: spec.name, role: spec.role });
    }
  }

  get size(): number {
    return this.byHash.size;
  }

  /** `presented` is the raw token (after `Bearer `), null when the request carried none. */
  authenticate(presented: string | null): Caller {
    if (presented === null || presented === '') {
      if (this.anonymousRole !== null) return { name: 'anonymous', role: this.anonymousRole };
      throw new AdminError('auth.missing_token', 'this API needs a token: send `Authorization: Bearer <token>` (gRPC: metadata `authorization`)');
    }
    const caller = this.byHash.get(sha256Hex(presented));
    if (caller === undefined) throw new AdminError('auth.invalid_token', 'the token is not one this API knows; check it, or ask an admin for one');
    return caller;
  }
}

/**
 * The token of an `Authorization: Bearer <token>` value; null when absent. A value of another
 * shape is returned whole, so it is refused as a token nobody knows.
 */
export function bearerToken(header: string | undefined): string | null {
  if (header === undefined || header === '') return null;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match?.[1] ?? header;
}

/**
 * `name:role:sha256` entries separated by commas (the `ROOST_API_TOKENS` format).
 * Throws naming the entry that does not parse.
 */
export function parseTokenList(text: string): ApiTokenSpec[] {
  return text
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '')
    .map((entry) => {
      const [name, role, sha256, ...rest] = entry.split(':');
      if (!name || !role || !sha256 || rest.length > 0) throw new Error(`API token entry "${entry}" must be name:role:sha256`);
      if (!(API_ROLES as readonly string[]).includes(role)) throw new Error(`API token "${name}": role must be one of ${API_ROLES.join(', ')}, got "${role}"`);
      return { name, role: role as ApiRole, sha256 };
    });
}
