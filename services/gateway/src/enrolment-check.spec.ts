import type { EnrolmentTokenRecord } from '@roost/contracts';
import { judgeEnrolmentToken, scopeRefusal, secretDigest } from './enrolment-check';

const SECRET = 'S'.repeat(43);
const NOW = 1_700_000_000_000;
const AGENT = '0190b7f8-bb85-72b5-8942-8533325b988a';

const record = (overrides: Partial<EnrolmentTokenRecord> = {}): EnrolmentTokenRecord => ({
  id: '0123456789abcdef',
  name: 'edge',
  scope: { kind: 'group', group: 'edge' },
  secretSha256: secretDigest(SECRET).toString('hex'),
  createdAt: NOW - 1_000,
  createdBy: 'ops',
  expiresAt: NOW + 60_000,
  revokedAt: null,
  revokedBy: null,
  issuedFrom: null,
  ...overrides,
});
const presented = (secret = SECRET, id = '0123456789abcdef') => ({ id, secretDigest: secretDigest(secret) });

describe('judgeEnrolmentToken', () => {
  it('admits the right secret of an active token, with what the connection may speak for', () => {
    expect(judgeEnrolmentToken(presented(), record(), null, NOW)).toEqual({
      ok: true,
      credential: { tokenId: '0123456789abcdef', name: 'edge', scope: { kind: 'group', group: 'edge' }, issuedFrom: null, expiresAt: NOW + 60_000 },
    });
  });

  it('answers an unknown id and a wrong secret alike, so neither tells an attacker which ids exist', () => {
    const unknown = judgeEnrolmentToken(presented(), null, null, NOW);
    const wrong = judgeEnrolmentToken(presented('W'.repeat(43)), record(), null, NOW);
    expect(unknown).toEqual({ ok: false, reason: 'unknown enrolment token 0123456789abcdef (no such id, or not its secret)' });
    expect(wrong).toEqual(unknown);
    // Even for a revoked token: only the right secret learns it was revoked.
    expect(judgeEnrolmentToken(presented('W'.repeat(43)), record({ revokedAt: NOW - 1 }), null, NOW)).toEqual(unknown);
  });

  it('refuses an expired token and a revoked one, saying when', () => {
    expect(judgeEnrolmentToken(presented(), record({ expiresAt: NOW }), null, NOW)).toEqual({ ok: false, reason: `enrolment token 0123456789abcdef expired at ${new Date(NOW).toISOString()}` });
    expect(judgeEnrolmentToken(presented(), record({ revokedAt: NOW - 5 }), null, NOW)).toEqual({ ok: false, reason: `enrolment token 0123456789abcdef was revoked at ${new Date(NOW - 5).toISOString()}` });
  });

  it('refuses a token issued from a token revoked (or gone) since', () => {
    const issued = record({ scope: { kind: 'agent', agentId: AGENT }, issuedFrom: 'fedcba9876543210' });
    const parent = record({ id: 'fedcba9876543210' });
    expect(judgeEnrolmentToken(presented(), issued, parent, NOW).ok).toBe(true);
    expect(judgeEnrolmentToken(presented(), issued, { ...parent, revokedAt: NOW - 1 }, NOW)).toEqual({ ok: false, reason: 'enrolment token 0123456789abcdef was issued from token fedcba9876543210, which was revoked' });
    expect(judgeEnrolmentToken(presented(), issued, null, NOW).ok).toBe(false);
    // An issued token does not outlive its own expiry because its parent lives on.
    expect(judgeEnrolmentToken(presented(), { ...issued, expiresAt: NOW - 1 }, parent, NOW).ok).toBe(false);
  });
});

describe('scopeRefusal', () => {
  it('lets an agent token speak for its one instance uid only', () => {
    const scope = { kind: 'agent', agentId: AGENT } as const;
    expect(scopeRefusal(scope, AGENT, null)).toBeNull();
    expect(scopeRefusal(scope, '0190b7f8-bb85-72b5-8942-000000000000', { 'service.environment': 'edge' })).toBe(`enrolment token is for agent ${AGENT}, not 0190b7f8-bb85-72b5-8942-000000000000`);
  });

  it('lets a group token speak for agents whose service.environment is the group, once they have said it', () => {
    const scope = { kind: 'group', group: 'edge' } as const;
    expect(scopeRefusal(scope, AGENT, null)).toBeNull();
    expect(scopeRefusal(scope, AGENT, { 'service.environment': 'edge' })).toBeNull();
    expect(scopeRefusal(scope, AGENT, { 'service.environment': 'prod' })).toBe('enrolment token is for group edge; the agent says service.environment=prod');
    expect(scopeRefusal(scope, AGENT, {})).toBe('enrolment token is for group edge; the agent says service.environment=(none)');
  });
});
