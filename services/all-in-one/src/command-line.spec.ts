import { CommandLineError, parseCommandLine, SERVICE_NAMES, type RoostSettings } from './command-line';
import { helpText } from './help-text';
import { prettyLine } from './create-logger';
import { redact } from './open-platform';

function settings(argv: string[], env: Record<string, string> = {}, terminal = false): RoostSettings {
  const command = parseCommandLine(argv, env, terminal);
  if (command.kind !== 'run') throw new Error('expected a run command');
  return command.settings;
}

describe('roost command line', () => {
  it('runs every service on loopback with the documented ports when given nothing', () => {
    const parsed = settings([]);
    expect(parsed.services).toEqual(SERVICE_NAMES);
    expect(parsed).toMatchObject({ host: '127.0.0.1', gatewayPort: 4320, projectorPort: 4330, adminPort: 8080, grpcPort: 9090, heartbeatSeconds: 30, logLevel: 'info', natsUrl: undefined, redisUrl: undefined });
  });

  it('refuses an admin API open to the network without tokens unless told to accept that', () => {
    expect(() => settings(['--host', '0.0.0.0'])).toThrow(/would let anyone reaching 0.0.0.0 act as admin: set ROOST_API_TOKENS/);
    expect(settings(['--host', '0.0.0.0', 'gateway']).host).toBe('0.0.0.0');
    expect(settings(['--host', '0.0.0.0'], { ROOST_ANONYMOUS_ROLE: 'admin' }).anonymousRole).toBe('admin');
    expect(settings(['--host', '0.0.0.0'], { ROOST_API_TOKENS: `ci:operator:${'a'.repeat(64)}` }).apiTokens).toContain('ci:operator');
    expect(() => settings(['--anonymous-role', 'root'])).toThrow('--anonymous-role (ROOST_ANONYMOUS_ROLE) must be one of viewer, operator, admin or none');
  });

  it('gives the NATS streams and buckets the replicas and limits of the flags, which win over the environment', () => {
    const parsed = settings(['--nats-replicas', '3', '--nats-fleet-events-max-bytes=2GiB'], { NATS_REPLICAS: '5', NATS_AUDIT_MAX_AGE: '30d' });
    expect(parsed.topology.streams.map((s) => [s.name, s.replicas, s.maxBytes, s.maxAgeMs])).toEqual([
      ['FLEET_EVENTS', 3, 2 * 1024 ** 3, 7 * 86_400_000],
      ['ROLLOUT_EVENTS', 3, 8 * 1024 ** 3, 0],
      ['AUDIT', 3, 1024 ** 3, 30 * 86_400_000],
    ]);
    expect(parsed.topology.buckets.every((bucket) => bucket.replicas === 3)).toBe(true);
    expect(() => settings(['--nats-replicas', '9'])).toThrow(CommandLineError);
    expect(() => settings(['--nats-replicas', '9'])).toThrow('--nats-replicas (NATS_REPLICAS) must be a whole number from 1 to 5, got "9"');
  });

  it('reads the TLS files of each listener, a certificate only with its key', () => {
    const parsed = settings(['--gateway-tls-cert', 'gw.pem', '--gateway-tls-key', 'gw.key', '--gateway-tls-client-ca', 'ca.pem'], { ADMIN_TLS_CERT_FILE: 'api.pem', ADMIN_TLS_KEY_FILE: 'api.key' });
    expect(parsed.gatewayTls).toEqual({ certFile: 'gw.pem', keyFile: 'gw.key', clientCaFile: 'ca.pem' });
    expect(parsed.adminTls).toEqual({ certFile: 'api.pem', keyFile: 'api.key' });
    expect(settings([]).gatewayTls).toBeUndefined();
    expect(() => settings(['--admin-tls-cert', 'api.pem'])).toThrow('TLS needs both --admin-tls-cert (ADMIN_TLS_CERT_FILE) and --admin-tls-key (ADMIN_TLS_KEY_FILE)');
    expect(() => settings([], { GATEWAY_TLS_CLIENT_CA_FILE: 'ca.pem' })).toThrow(/TLS needs both --gateway-tls-cert .* asks for client certificates over TLS/);
  });

  it('reads the gateway memory budget and message limit', () => {
    expect(settings([])).toMatchObject({ gatewayMaxMessageBytes: 8 * 1024 * 1024, gatewayMemoryBudgetBytes: undefined });
    expect(settings(['--memory-budget-bytes', '268435456']).gatewayMemoryBudgetBytes).toBe(268_435_456);
  });

  it('turns gRPC off with off', () => {
    expect(settings(['--grpc-port', 'off']).grpcPort).toBeNull();
    expect(settings([], { ADMIN_GRPC_PORT: '9999' }).grpcPort).toBe(9999);
  });

  it('starts only the services named as arguments or with --service', () => {
    expect(settings(['gateway']).services).toEqual(['gateway']);
    expect(settings(['--service', 'projector,gateway']).services).toEqual(['gateway', 'projector']);
    expect(settings(['all']).services).toEqual(SERVICE_NAMES);
  });

  it('refuses an unknown service and names the known ones', () => {
    expect(() => settings(['gatewy'])).toThrow(/unknown service "gatewy"; name one or more of: all, gateway, orchestrator, projector, admin-api/);
  });

  it('lets a flag win over its environment variable, which wins over the default', () => {
    expect(settings([], { GATEWAY_PORT: '5000' }).gatewayPort).toBe(5000);
    expect(settings(['--gateway-port', '6000'], { GATEWAY_PORT: '5000' }).gatewayPort).toBe(6000);
    expect(settings(['--gateway-port=7000']).gatewayPort).toBe(7000);
    expect(settings([], { NATS_URL: 'nats://n:4222', REDIS_URL: ' ' })).toMatchObject({ natsUrl: 'nats://n:4222', redisUrl: undefined });
  });

  it('says which flag and variable hold a bad value', () => {
    expect(() => settings(['--gateway-port', '70000'])).toThrow('--gateway-port (GATEWAY_PORT) must be a port number (0-65535), got 70000');
    expect(() => settings([], { PROJECTOR_PORT: 'abc' })).toThrow('--projector-port (PROJECTOR_PORT) must be a whole number >= 0, got "abc"');
    expect(() => settings(['--log-level', 'loud'])).toThrow(/--log-level \(LOG_LEVEL\) must be one of trace/);
    expect(() => settings(['--gateway-port'])).toThrow('--gateway-port needs a value');
    expect(() => settings(['--nats', 'x'])).toThrow(CommandLineError);
  });

  it('logs readable lines on a terminal and JSON otherwise, unless told', () => {
    expect(settings([], {}, true).logFormat).toBe('pretty');
    expect(settings([], {}, false).logFormat).toBe('json');
    expect(settings(['--log-format', 'json'], {}, true).logFormat).toBe('json');
  });

  it('splits webhook URLs on commas', () => {
    expect(settings([], { ROOST_WEBHOOK_URLS: 'http://a/x, http://b/y,' }).webhookUrls).toEqual(['http://a/x', 'http://b/y']);
  });

  it('answers --help with every flag and its environment variable', () => {
    expect(parseCommandLine(['gateway', '--help'], {}, false)).toEqual({ kind: 'help' });
    const text = helpText();
    for (const name of ['--gateway-port', 'GATEWAY_PORT', '--nats-url', 'NATS_URL', '--redis-url', 'REDIS_URL', '--host', 'ROOST_HOST']) expect(text).toContain(name);
  });
});

describe('log lines and URLs', () => {
  it('formats a pino line as time, level, source, message and fields', () => {
    const line = JSON.stringify({ level: 30, time: '2026-01-02T03:04:05.678Z', pid: 1, service: 'gateway', msg: 'gateway listening', port: 4320 });
    expect(prettyLine(line)).toBe('03:04:05.678 INFO  gateway      gateway listening  port=4320\n');
  });

  it('shortens long fields in readable lines', () => {
    const line = JSON.stringify({ level: 30, time: '2026-01-02T03:04:05.678Z', msg: 'roost ready', endpoints: [1, 2, 3, 4], text: 'x'.repeat(200) });
    expect(prettyLine(line)).toBe(`03:04:05.678 INFO  roost        roost ready  endpoints=[4 entries] text=${'x'.repeat(157)}...\n`);
  });

  it('hides passwords in URLs', () => {
    expect(redact('redis://user:secret@host:6379/0')).toBe('redis://user:***@host:6379/0');
    expect(redact('nats://host:4222')).toBe('nats://host:4222');
  });
});
