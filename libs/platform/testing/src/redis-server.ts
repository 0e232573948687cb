import { findServerBinary } from './server-binary';
import { startTestServer, type TestServer } from './test-server';

/** Starts a private redis-server without persistence on a random port of 127.0.0.1. */
export function startRedisServer(): Promise<TestServer> {
  const binary = findServerBinary('redis-server', 'redis-server');
  return startTestServer({
    name: 'redis-server',
    binary,
    scheme: 'redis',
    readyLine: /Ready to accept connections/,
    args: (port, dataDir) => [
      '--port', String(port),
      '--bind', '127.0.0.1',
      '--save', '',
      '--appendonly', 'no',
      '--dir', dataDir,
      '--daemonize', 'no',
      '--protected-mode', 'no',
    ],
  });
}
