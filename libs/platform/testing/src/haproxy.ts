import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { findServerBinary } from './server-binary';
import { startTestServer, type TestServer } from './test-server';

/**
 * `tcp`: one backend per client connection (L4, a WebSocket stays where it landed).
 * `http`: every request balanced on its own (L7, an HTTP agent's polls land on any backend).
 */
export type BalancerMode = 'tcp' | 'http';

export interface BalancerOptions {
  readonly mode: BalancerMode;
  /** Ports on 127.0.0.1 to balance over, round-robin. */
  readonly backendPorts: readonly number[];
}

/**
 * Starts a private haproxy (Debian's package) on a random port of 127.0.0.1, round-robin over
 * the backends. Its `url` is `http://127.0.0.1:<port>`. No health checks: a killed backend
 * shows as failed requests or closed connections, as it would to agents.
 */
export function startHaproxy(options: BalancerOptions): Promise<TestServer> {
  if (options.backendPorts.length === 0) throw new Error('startHaproxy needs at least one backend port');
  const binary = findServerBinary('haproxy', 'haproxy');
  return startTestServer({
    name: `haproxy-${options.mode}`,
    binary,
    scheme: 'http',
    // haproxy in the foreground prints nothing once it listens: the port accepting is the sign.
    readyLine: /(?:)/,
    args: (port, dataDir) => {
      const file = join(dataDir, 'haproxy.cfg');
      writeFileSync(file, haproxyConfig(options, port));
      return ['-db', '-f', file];
    },
  });
}

/** The haproxy.cfg text: one frontend on `port`, one round-robin backend. */
export function haproxyConfig(options: BalancerOptions, port: number): string {
  const servers = options.backendPorts.map((backend, index) => `  server gateway-${index} 127.0.0.1:${backend}`);
  return [
    'global',
    '  maxconn 4096',
    'defaults',
    `  mode ${options.mode}`,
    '  timeout connect 2s',
    '  timeout client 60s',
    '  timeout server 60s',
    '  timeout tunnel 1h',
    ...(options.mode === 'http' ? ['  option http-server-close'] : []),
    'frontend agents',
    `  bind 127.0.0.1:${port}`,
    '  default_backend gateways',
    'backend gateways',
    '  balance roundrobin',
    ...servers,
    '',
  ].join('\n');
}
