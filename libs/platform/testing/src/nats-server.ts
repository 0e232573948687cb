import { findServerBinary } from './server-binary';
import { startTestServer, type TestServer } from './test-server';

/**
 * Starts a private nats-server with JetStream (file store in a temp dir) on a random port of
 * 127.0.0.1. Works with the Debian build (v2.9.x).
 */
export function startNatsServer(): Promise<TestServer> {
  const binary = findServerBinary('nats-server', 'nats-server');
  return startTestServer({
    name: 'nats-server',
    binary,
    scheme: 'nats',
    readyLine: /Server is ready/,
    args: (port, dataDir) => ['-js', '-sd', dataDir, '-p', String(port), '-a', '127.0.0.1'],
  });
}
