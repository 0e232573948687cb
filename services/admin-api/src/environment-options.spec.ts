import { sha256Hex } from './auth/api-tokens';
import { adminApiEnvironment } from './environment-options';

const base = { NATS_URL: 'nats://127.0.0.1:4222', REDIS_URL: 'redis://127.0.0.1:6379' };

describe('admin API environment', () => {
  it('reads ports, host, tokens and the anonymous role', () => {
    const hash = sha256Hex('t');
    expect(adminApiEnvironment({ ...base, ADMIN_HTTP_PORT: '8081', ADMIN_GRPC_PORT: 'off', ADMIN_HOST: '0.0.0.0', ROOST_API_TOKENS: `ci:operator:${hash}`, ROOST_ANONYMOUS_ROLE: 'viewer' }).options).toEqual({
      host: '0.0.0.0',
      httpPort: 8081,
      grpcPort: null,
      tokens: [{ name: 'ci', role: 'operator', sha256: hash }],
      anonymousRole: 'viewer',
    });
    expect(adminApiEnvironment({ ...base, ROOST_ANONYMOUS_ROLE: 'none' }).options.anonymousRole).toBeNull();
  });

  it('names the variable at fault', () => {
    expect(() => adminApiEnvironment({ NATS_URL: base.NATS_URL })).toThrow(/REDIS_URL/);
    expect(() => adminApiEnvironment({ ...base, ADMIN_HTTP_PORT: '80a' })).toThrow('ADMIN_HTTP_PORT must be a port number (0-65535), got "80a"');
    expect(() => adminApiEnvironment({ ...base, ROOST_ANONYMOUS_ROLE: 'root' })).toThrow(/ROOST_ANONYMOUS_ROLE/);
  });
});
