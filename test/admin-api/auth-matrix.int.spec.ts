/**
 * Tokens and roles over both transports: no token or an unknown one is 401 / UNAUTHENTICATED,
 * a role that may not act is 403 / PERMISSION_DENIED, and every write attempt (allowed or not)
 * leaves an audit record naming who, what, when and the result.
 */
import { status } from '@grpc/grpc-js';
import { sha256Hex } from '@roost/admin-api';
import { AdminApiTestBed, collectorYaml, unary } from './admin-api-test-bed';

jest.setTimeout(60_000);

const TOKENS = { viewer: 'viewer-token-1f4e', operator: 'operator-token-8a2c', admin: 'admin-token-77d0' } as const;
type Credential = 'none' | 'unknown' | keyof typeof TOKENS;
const tokenOf = (credential: Credential): string | undefined => (credential === 'none' ? undefined : credential === 'unknown' ? 'not-a-token' : TOKENS[credential]);

/** Expected HTTP status per credential and kind of operation (read, write, audit). */
const MATRIX: readonly [Credential, number, number, number][] = [
  ['none', 401, 401, 401],
  ['unknown', 401, 401, 401],
  ['viewer', 200, 403, 403],
  ['operator', 200, 201, 403],
  ['admin', 200, 201, 200],
];
const GRPC_CODE: Readonly<Record<number, number>> = { 200: status.OK, 201: status.OK, 401: status.UNAUTHENTICATED, 403: status.PERMISSION_DENIED };

describe('admin API tokens and roles', () => {
  let bed: AdminApiTestBed;

  beforeAll(async () => {
    bed = await AdminApiTestBed.start({
      tokens: [
        { name: 'vera', role: 'viewer', sha256: sha256Hex(TOKENS.viewer) },
        { name: 'otto', role: 'operator', sha256: sha256Hex(TOKENS.operator) },
        { name: 'ada', role: 'admin', sha256: sha256Hex(TOKENS.admin) },
      ],
    });
  });

  afterAll(async () => {
    await bed?.stop();
  });

  it.each(MATRIX)('HTTP with %s credentials: read %i, write %i, audit %i', async (credential, read, write, auditStatus) => {
    const token = tokenOf(credential);
    const answers = [
      await bed.http('GET', '/api/v1/groups', { token }),
      await bed.http('POST', '/api/v1/configs', { token, body: { name: `auth-http-${credential}`, yaml: collectorYaml(credential) } }),
      await bed.http('GET', '/api/v1/audit', { token }),
    ];
    expect(answers.map((a) => a.status)).toEqual([read, write, auditStatus]);
    for (const answer of answers.filter((a) => a.status >= 400)) {
      expect(answer.body.error.code).toBe(answer.status === 401 ? (credential === 'none' ? 'auth.missing_token' : 'auth.invalid_token') : 'auth.forbidden');
    }
  });

  it.each(MATRIX)('gRPC with %s credentials: read %i, write %i, audit %i', async (credential, read, write, auditStatus) => {
    const token = tokenOf(credential);
    const answers = [
      await unary(bed.grpcClient('GroupService'), 'ListGroups', {}, token),
      await unary(bed.grpcClient('ConfigService'), 'CreateConfig', { name: `auth-grpc-${credential}`, yaml: collectorYaml(credential) }, token),
      await unary(bed.grpcClient('AuditService'), 'ListAuditRecords', {}, token),
    ];
    expect(answers.map((a) => (a.ok ? status.OK : a.error.code))).toEqual([read, write, auditStatus].map((s) => GRPC_CODE[s]));
    const forbidden = answers.find((a) => !a.ok && a.error.code === status.PERMISSION_DENIED);
    if (forbidden !== undefined && !forbidden.ok) expect(forbidden.error.roostCode).toBe('auth.forbidden');
  });

  it('tells each caller its name, role and what the role may do', async () => {
    const callers = await Promise.all((['viewer', 'operator', 'admin'] as const).map(async (role) => (await bed.http('GET', '/api/v1/caller', { token: TOKENS[role] })).body));
    expect(callers).toEqual([
      { name: 'vera', role: 'viewer', permissions: ['read'] },
      { name: 'otto', role: 'operator', permissions: ['read', 'write'] },
      { name: 'ada', role: 'admin', permissions: ['read', 'write', 'audit'] },
    ]);
    expect((await bed.http('GET', '/api/v1/caller')).status).toBe(401);
  });

  it('refuses a malformed Authorization header and the configured hash used as a token', async () => {
    const basic = await fetch(`${bed.api.url}/api/v1/groups`, { headers: { authorization: `Basic ${Buffer.from('a:b').toString('base64')}` } });
    expect(basic.status).toBe(401);
    expect((await bed.http('GET', '/api/v1/groups', { token: sha256Hex(TOKENS.admin) })).status).toBe(401);
    expect(bed.api.options.tokens.every((t) => !Object.values(t).includes(TOKENS[t.role]))).toBe(true);
  });

  it('needs a token for the event stream, and none for the OpenAPI document and probes', async () => {
    expect((await fetch(`${bed.api.url}/api/v1/rollouts/any-id/events`)).status).toBe(401);
    expect((await bed.http('GET', '/api/v1/rollouts/any-id/events', { token: TOKENS.viewer })).status).toBe(404);
    for (const path of ['/api/v1/openapi.json', '/healthz', '/readyz']) expect((await bed.http('GET', path)).status).toBe(200);
  });

  it('wrote only the allowed configs, and audited every write attempt with who, what, when and the result', async () => {
    const names = (await bed.http('GET', '/api/v1/configs', { token: TOKENS.viewer })).body.items.map((i: { name: string }) => i.name).sort();
    expect(names).toEqual(['auth-grpc-admin', 'auth-grpc-operator', 'auth-http-admin', 'auth-http-operator']);

    const audit = (await bed.http('GET', '/api/v1/audit?limit=100', { token: TOKENS.admin })).body.items as any[];
    const rows = audit
      .filter((r) => r.operation === 'config.create')
      .map((r) => [r.transport, r.request.name, r.actor.name, r.actor.role, r.result.outcome, r.result.code])
      .sort((a, b) => String(a[1]).localeCompare(String(b[1])));
    expect(rows).toEqual(
      ['grpc', 'http'].flatMap((transport) => [
        [transport, `auth-${transport}-admin`, 'ada', 'admin', 'ok', null],
        [transport, `auth-${transport}-none`, 'unauthenticated', null, 'denied', 'auth.missing_token'],
        [transport, `auth-${transport}-operator`, 'otto', 'operator', 'ok', null],
        [transport, `auth-${transport}-unknown`, 'unauthenticated', null, 'denied', 'auth.invalid_token'],
        [transport, `auth-${transport}-viewer`, 'vera', 'viewer', 'denied', 'auth.forbidden'],
      ]),
    );
    for (const record of audit) {
      expect(record).toMatchObject({ type: 'AdminRequestHandled', schemaVersion: 1, id: expect.any(String) });
      expect(Math.abs(record.at - Date.now())).toBeLessThan(60_000);
    }
  });
});
