import { silentLogger } from '@roost/ports';
import { resolveAdminApiOptions } from './admin-api-options';

describe('admin API options', () => {
  it('serves on 8080 and 9090 by default, anonymous as admin only while no token is configured', () => {
    expect(resolveAdminApiOptions({}, silentLogger)).toMatchObject({ httpPort: 8080, grpcPort: 9090, host: '127.0.0.1', anonymousRole: 'admin' });
    expect(resolveAdminApiOptions({ tokens: [{ name: 'a', role: 'viewer', sha256: '0'.repeat(64) }] }, silentLogger).anonymousRole).toBeNull();
    expect(resolveAdminApiOptions({ anonymousRole: null }, silentLogger).anonymousRole).toBeNull();
  });

  it('refuses impossible values, naming the option', () => {
    expect(() => resolveAdminApiOptions({ httpPort: 70_000 }, silentLogger)).toThrow('admin API option httpPort must be a port number (0-65535), got 70000');
    expect(() => resolveAdminApiOptions({ watchIntervalMs: 0 }, silentLogger)).toThrow(/watchIntervalMs/);
  });
});
