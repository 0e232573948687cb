import { BUCKETS, enrolmentTokenRecordContract, enrolmentTokenText, type EnrolmentTokenRecord } from '@roost/contracts';
import { createMemoryPlatform } from '@roost/platform-memory';
import { silentLogger, type KeyValueStore } from '@roost/ports';
import { eventually } from '@roost/testing';
import { EnrolmentAuthority, type Authorisation } from './enrolment-authority';
import { secretDigest } from './enrolment-check';

const NOW = 1_700_000_000_000;
const secret = (c: string): string => c.repeat(43);

describe('EnrolmentAuthority', () => {
  let bucket: KeyValueStore;
  const revoked: string[] = [];
  const clock = { now: NOW };

  const put = async (id: string, fields: Partial<EnrolmentTokenRecord> = {}, secretChar = 'a'): Promise<string> => {
    const record: EnrolmentTokenRecord = {
      id,
      name: `token ${id}`,
      scope: { kind: 'group', group: 'edge' },
      secretSha256: secretDigest(secret(secretChar)).toString('hex'),
      createdAt: NOW - 1_000,
      createdBy: 'test',
      expiresAt: NOW + 60_000,
      revokedAt: null,
      revokedBy: null,
      issuedFrom: null,
      ...fields,
    };
    await bucket.put(id, enrolmentTokenRecordContract.encode(record));
    return enrolmentTokenText(id, secret(secretChar));
  };
  const authority = (settings: { sharedToken?: string; requireEnrolment?: boolean } = {}): EnrolmentAuthority =>
    new EnrolmentAuthority(bucket, { sharedToken: settings.sharedToken, requireEnrolment: settings.requireEnrolment ?? false }, { now: () => clock.now, logger: silentLogger, onRevoked: (id) => revoked.push(id) });
  const bearer = (token: string): string => `Bearer ${token}`;

  beforeEach(async () => {
    bucket = await createMemoryPlatform().kv.open(BUCKETS.enrolmentTokens.name);
    revoked.length = 0;
    clock.now = NOW;
  });

  it('admits anyone without a shared token, and still checks an enrolment token shown', async () => {
    const open = authority();
    expect(open.authorise(undefined)).toEqual({ ok: true, enrolment: null });
    expect(open.authorise('Bearer anything-else')).toEqual({ ok: true, enrolment: null });
    expect(await open.authorise(bearer(`roost_et_0123456789abcdef_${secret('z')}`))).toMatchObject({ ok: false, status: 401, reason: expect.stringContaining('unknown enrolment token') });
  });

  it('with a shared token, admits it or a valid enrolment token, and says why it refuses anything else', async () => {
    const token = await put('0123456789abcdef');
    const guarded = authority({ sharedToken: 'shared' });
    expect(guarded.authorise('Bearer shared')).toEqual({ ok: true, enrolment: null });
    expect(await guarded.authorise(bearer(token))).toMatchObject({ ok: true, enrolment: { tokenId: '0123456789abcdef', name: 'token 0123456789abcdef', scope: { kind: 'group', group: 'edge' } } });
    const reasons = async (header: string | undefined): Promise<string> => {
      const answer = (await guarded.authorise(header)) as Authorisation;
      return answer.ok ? 'admitted' : `${answer.status} ${answer.reason}`;
    };
    expect(await reasons(undefined)).toBe('401 a token is required: send Authorization: Bearer <token>');
    expect(await reasons('Basic c2hhcmVk')).toBe('401 Authorization must be "Bearer <token>"');
    expect(await reasons('Bearer wrong')).toBe('401 the bearer token is not one this gateway accepts');
    expect(await reasons('Bearer roost_et_short')).toBe('401 malformed enrolment token: expected roost_et_<16 hex id>_<43-character secret>');
    expect(await reasons(bearer(`roost_et_0123456789abcdef_${secret('b')}`))).toBe('401 unknown enrolment token 0123456789abcdef (no such id, or not its secret)');
    expect(await reasons(bearer(`roost_et_ffffffffffffffff_${secret('a')}`))).toBe('401 unknown enrolment token ffffffffffffffff (no such id, or not its secret)');
  });

  it('accepts only enrolment tokens when told to', async () => {
    const token = await put('0123456789abcdef');
    const strict = authority({ requireEnrolment: true });
    expect(strict.authorise(undefined)).toMatchObject({ ok: false, reason: 'an enrolment token is required: send Authorization: Bearer roost_et_…' });
    expect(strict.authorise('Bearer some-shared-token')).toMatchObject({ ok: false, reason: 'this gateway accepts enrolment tokens only (roost_et_…)' });
    expect(await strict.authorise(bearer(token))).toMatchObject({ ok: true });
  });

  it('judges a token it has read without reading it again, and sees its revocation through the watch', async () => {
    const token = await put('0123456789abcdef');
    const judge = authority();
    await judge.start();
    const first = await judge.authorise(bearer(token));
    if (!first.ok || first.enrolment === null) throw new Error('not admitted');
    // Cached: answered at once, no promise.
    expect(judge.authorise(bearer(token))).toMatchObject({ ok: true });
    expect(judge.standing(first.enrolment)).toBe('ok');
    await put('0123456789abcdef', { revokedAt: NOW + 10, revokedBy: 'ops' });
    await eventually(() => revoked.includes('0123456789abcdef'), { what: 'the revocation told' });
    expect(judge.standing(first.enrolment)).toBe('revoked');
    expect(judge.authorise(bearer(token))).toMatchObject({ ok: false, reason: expect.stringContaining('was revoked at') });
    judge.stop();
  });

  it('says a connection\u2019s token expired once it has, and cuts tokens issued from one revoked', async () => {
    const parent = await put('00000000000000aa');
    const child = await put('00000000000000bb', { scope: { kind: 'agent', agentId: '0190b7f8-bb85-72b5-8942-8533325b988a' }, issuedFrom: '00000000000000aa', expiresAt: NOW + 1_000 }, 'c');
    const judge = authority();
    await judge.start();
    expect(await judge.authorise(bearer(parent))).toMatchObject({ ok: true });
    const admitted = await judge.authorise(bearer(child));
    if (!admitted.ok || admitted.enrolment === null) throw new Error('not admitted');
    expect(admitted.enrolment.issuedFrom).toBe('00000000000000aa');
    clock.now = NOW + 1_000;
    expect(judge.standing(admitted.enrolment)).toBe('expired');
    clock.now = NOW;
    await bucket.delete('00000000000000aa');
    await eventually(() => revoked.includes('00000000000000aa'), { what: 'the deletion told as a revocation' });
    expect(judge.standing(admitted.enrolment)).toBe('revoked');
    expect(judge.authorise(bearer(child))).toMatchObject({ ok: false, reason: 'enrolment token 00000000000000bb was issued from token 00000000000000aa, which was revoked' });
    judge.stop();
  });

  it('asks the bucket again about an unknown id after a few seconds (it may have been made since)', async () => {
    const judge = authority();
    const text = enrolmentTokenText('0123456789abcdef', secret('a'));
    expect(await judge.authorise(bearer(text))).toMatchObject({ ok: false });
    await put('0123456789abcdef');
    expect(judge.authorise(bearer(text))).toMatchObject({ ok: false });
    clock.now += 5_001;
    expect(await judge.authorise(bearer(text))).toMatchObject({ ok: true });
  });
});
