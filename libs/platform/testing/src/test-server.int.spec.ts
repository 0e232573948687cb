import { connect } from 'node:net';
import { existsSync } from 'node:fs';
import { findServerBinary, MissingServerBinaryError } from './server-binary';
import { startNatsServer } from './nats-server';
import { startRedisServer } from './redis-server';
import { freePort } from './free-port';

const answers = (port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => resolve(!!socket.destroy()));
    socket.once('error', () => resolve(false));
  });

describe('test servers', () => {
  it('hands out a port nobody listens on', async () => {
    const port = await freePort();
    expect(port).toBeGreaterThan(0);
    expect(await answers(port)).toBe(false);
  });

  it('names the Debian package when a server binary is missing', () => {
    const error = (() => {
      try {
        findServerBinary('roost-no-such-server', 'roost-no-such-package');
        return undefined;
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(MissingServerBinaryError);
    expect((error as Error).message).toContain('apt-get install -y roost-no-such-package');
  });

  it('starts nats-server, survives kill and restart on the same port and store, and cleans up', async () => {
    const nats = await startNatsServer();
    try {
      expect(nats.url).toBe(`nats://127.0.0.1:${nats.port}`);
      expect(await answers(nats.port)).toBe(true);
      await nats.kill();
      expect(nats.running).toBe(false);
      expect(await answers(nats.port)).toBe(false);
      await nats.restart();
      expect(nats.running).toBe(true);
      expect(await answers(nats.port)).toBe(true);
      expect(existsSync(nats.dataDir)).toBe(true);
    } finally {
      await nats.stop();
    }
    expect(existsSync(nats.dataDir)).toBe(false);
    expect(await answers(nats.port)).toBe(false);
  });

  it('starts redis-server and removes its dir on stop', async () => {
    const redis = await startRedisServer();
    expect(redis.url).toBe(`redis://127.0.0.1:${redis.port}`);
    expect(await answers(redis.port)).toBe(true);
    await redis.stop();
    expect(existsSync(redis.dataDir)).toBe(false);
  });
});
