import { enrolmentCreateRequestContract, enrolmentTokenState, enrolmentTokenText, parseEnrolmentToken, publicEnrolmentToken, type EnrolmentTokenRecord } from './enrolment-tokens';

const ID = '0123456789abcdef';
const SECRET = 'A'.repeat(20) + '-_' + 'z'.repeat(21);

describe('enrolment token text', () => {
  it('reads back the id and the secret it was made from, underscores in the secret included', () => {
    expect(parseEnrolmentToken(enrolmentTokenText(ID, SECRET))).toEqual({ ok: true, id: ID, secret: SECRET });
  });

  it('is not an enrolment token without the prefix (the shared token goes its own way)', () => {
    expect(parseEnrolmentToken('s3cret-shared-token')).toBeNull();
  });

  it.each([
    ['no secret', `roost_et_${ID}`],
    ['an empty secret', `roost_et_${ID}_`],
    ['a short id', `roost_et_0123_${SECRET}`],
    ['an uppercase id', `roost_et_${ID.toUpperCase()}_${SECRET}`],
    ['a short secret', `roost_et_${ID}_abc`],
    ['a character outside base64url', `roost_et_${ID}_${SECRET.slice(1)}+`],
    ['nothing after the prefix', 'roost_et_'],
  ])('says why %s cannot be a token', (_, text) => {
    expect(parseEnrolmentToken(text)).toEqual({ ok: false, reason: expect.stringContaining('malformed enrolment token') });
  });
});

describe('enrolment token state', () => {
  const record: EnrolmentTokenRecord = {
    id: ID,
    name: 'edge fleet',
    scope: { kind: 'group', group: 'edge' },
    secretSha256: 'f'.repeat(64),
    createdAt: 1_000,
    createdBy: 'ops',
    expiresAt: 5_000,
    revokedAt: null,
    revokedBy: null,
    issuedFrom: null,
  };

  it('is active until it expires, and revoked outranks expired', () => {
    expect(enrolmentTokenState(record, 4_999)).toBe('active');
    expect(enrolmentTokenState(record, 5_000)).toBe('expired');
    expect(enrolmentTokenState({ ...record, revokedAt: 6_000 }, 7_000)).toBe('revoked');
  });

  it('shows no hash to the API', () => {
    expect(publicEnrolmentToken(record, 0)).not.toHaveProperty('secretSha256');
    expect(publicEnrolmentToken(record, 0)).toMatchObject({ id: ID, state: 'active' });
  });

  it('refuses a create request with a scope it cannot use, naming the field', () => {
    const encode = (value: unknown): Uint8Array => new TextEncoder().encode(JSON.stringify(value));
    expect(() => enrolmentCreateRequestContract.decode(encode({ name: 'x', scope: { kind: 'agent', agentId: 'not-a-uid' }, actor: 'ops' }))).toThrow(/scope\.agentId: an agent id is its instance uid/);
    expect(() => enrolmentCreateRequestContract.decode(encode({ name: 'x', scope: { kind: 'group', group: '' }, actor: 'ops' }))).toThrow(/scope\.group/);
  });
});
