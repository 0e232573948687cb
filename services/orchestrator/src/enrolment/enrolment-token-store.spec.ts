import { createHash, randomBytes } from 'node:crypto';
import { BUCKETS, enrolmentTokenRecordContract, parseEnrolmentToken } from '@roost/contracts';
import { createMemoryPlatform } from '@roost/platform-memory';
import type { KeyValueStore } from '@roost/ports';
import { OrchestratorError } from '../orchestrator-error';
import { EnrolmentTokenStore } from './enrolment-token-store';

const DAY = 24 * 3_600_000;
const AGENT = '0190b7f8-bb85-72b5-8942-8533325b988a';

describe('EnrolmentTokenStore', () => {
  let bucket: KeyValueStore;
  let store: EnrolmentTokenStore;
  const clock = { now: 1_700_000_000_000 };

  beforeEach(async () => {
    bucket = await createMemoryPlatform().kv.open(BUCKETS.enrolmentTokens.name);
    store = new EnrolmentTokenStore({ bucket, now: () => clock.now, randomBytes: (size) => randomBytes(size) });
  });

  const refusal = async (promise: Promise<unknown>): Promise<OrchestratorError> => {
    const error = await promise.then(() => null, (e: unknown) => e);
    if (!(error instanceof OrchestratorError)) throw new Error(`expected a refusal, got ${String(error)}`);
    return error;
  };

  it('stores the SHA-256 of the secret, never the secret, and shows the token text once', async () => {
    const issued = await store.create({ name: 'edge', scope: { kind: 'group', group: 'edge' }, actor: 'ops' });
    const parsed = parseEnrolmentToken(issued.secret);
    if (parsed === null || !parsed.ok) throw new Error('not a token');
    expect(parsed.id).toBe(issued.token.id);
    const stored = (await bucket.get(issued.token.id))!;
    const text = new TextDecoder().decode(stored.value);
    expect(text).not.toContain(parsed.secret);
    expect(enrolmentTokenRecordContract.decode(stored.value)).toMatchObject({
      secretSha256: createHash('sha256').update(parsed.secret).digest('hex'),
      expiresAt: clock.now + 30 * DAY,
      createdBy: 'ops',
      revokedAt: null,
      issuedFrom: null,
    });
    expect(issued.token).toMatchObject({ state: 'active', name: 'edge', scope: { kind: 'group', group: 'edge' } });
    expect(issued.token).not.toHaveProperty('secretSha256');
  });

  it('lists what operators made, newest first, with each token\u2019s state now', async () => {
    const old = await store.create({ name: 'old', scope: { kind: 'group', group: 'a' }, ttlMs: 1_000, actor: 'ops' });
    clock.now += 5_000;
    const revoked = await store.create({ name: 'revoked', scope: { kind: 'group', group: 'b' }, actor: 'ops' });
    clock.now += 5_000;
    await store.revoke(revoked.token.id, 'sec');
    const listed = await store.list({});
    expect(listed.tokens.map((t) => [t.name, t.state])).toEqual([
      ['revoked', 'revoked'],
      ['old', 'expired'],
    ]);
    expect(listed.total).toBe(2);
    expect(old.token.state).toBe('active');
    expect((await store.list({ offset: 1, limit: 1 })).tokens.map((t) => t.name)).toEqual(['old']);
  });

  it('revokes once: revoking again changes nothing, an unknown id is refused by name', async () => {
    const { token } = await store.create({ name: 'leaked', scope: { kind: 'agent', agentId: AGENT }, actor: 'ops' });
    clock.now += 1_000;
    const first = await store.revoke(token.id, 'sec');
    clock.now += 1_000;
    const again = await store.revoke(token.id, 'someone-else');
    expect(again).toEqual(first);
    expect(first).toMatchObject({ state: 'revoked', revokedAt: clock.now - 1_000, revokedBy: 'sec' });
    const error = await refusal(store.revoke('00000000000000ff', 'sec'));
    expect(error.code).toBe('enrolment.not_found');
    expect(error.message).toContain('00000000000000ff');
  });

  it('issues an agent its own token from a group token, hung off the token the chain started from', async () => {
    const group = await store.create({ name: 'edge', scope: { kind: 'group', group: 'edge' }, actor: 'ops' });
    const first = await store.issue({ fromTokenId: group.token.id, agentId: AGENT, ttlMs: DAY, gatewayId: 'gw-1' });
    expect(first.token).toMatchObject({ scope: { kind: 'agent', agentId: AGENT }, issuedFrom: group.token.id, createdBy: 'gateway gw-1', expiresAt: clock.now + DAY, name: `edge (agent ${AGENT})` });
    // A renewal, from the agent's own token, still hangs off the group token.
    const renewed = await store.issue({ fromTokenId: first.token.id, agentId: AGENT, ttlMs: DAY, gatewayId: 'gw-2' });
    expect(renewed.token.issuedFrom).toBe(group.token.id);
    expect((await store.list({ issuedFrom: group.token.id })).total).toBe(2);
    expect((await store.list({})).total).toBe(1);
  });

  it('issues nothing from a token that is not active or is another agent\u2019s', async () => {
    const group = await store.create({ name: 'edge', scope: { kind: 'group', group: 'edge' }, ttlMs: 1_000, actor: 'ops' });
    const own = await store.issue({ fromTokenId: group.token.id, agentId: AGENT, ttlMs: DAY, gatewayId: 'gw-1' });
    expect((await refusal(store.issue({ fromTokenId: own.token.id, agentId: '0190b7f8-bb85-72b5-8942-000000000000', ttlMs: DAY, gatewayId: 'gw-1' }))).code).toBe('enrolment.scope_mismatch');
    clock.now += 2_000;
    const expired = await refusal(store.issue({ fromTokenId: group.token.id, agentId: AGENT, ttlMs: DAY, gatewayId: 'gw-1' }));
    expect(expired.code).toBe('enrolment.not_active');
    expect(expired.message).toContain('expired');
  });
});
