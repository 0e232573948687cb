import { spawnSync } from 'node:child_process';
import { createMemoryPlatform } from '@roost/platform-memory';
import type { Platform } from '@roost/ports';
import { listenBacklog } from './listen-backlog';
import { startGateway, type RunningGateway } from './start-gateway';

/**
 * Opens `count` TCP connections to the port at once from another process and prints how many
 * completed their handshake within `waitMs`. While it runs, this process's event loop is
 * blocked (spawnSync): the gateway accepts nothing, so only its listen queue holds them.
 */
const CONNECT_ALL = `
const net = require('node:net');
const [port, count, waitMs] = process.argv.slice(1).map(Number);
let connected = 0;
const sockets = [];
for (let i = 0; i < count; i++) {
  const socket = net.connect({ port, host: '127.0.0.1' }, () => { if (++connected === count) done(); });
  socket.on('error', () => undefined);
  sockets.push(socket);
}
const timer = setTimeout(done, waitMs);
function done() { clearTimeout(timer); console.log(connected); process.exit(0); }
`;

describe('gateway listen backlog', () => {
  let platform: Platform;
  let gateway: RunningGateway;

  beforeAll(async () => {
    platform = createMemoryPlatform();
    gateway = await startGateway({ port: 0, host: '127.0.0.1', gatewayId: 'gw-backlog' }, platform);
  });

  afterAll(async () => {
    await gateway.stop();
    await platform.close();
  });

  it("holds a storm of connections in its listen queue up to the kernel's limit, beyond Node's default 511, while it accepts none", () => {
    // Up to 1,000 connections: over 511 wherever the kernel allows it (4096 by default since Linux 5.4).
    const count = Math.min(1_000, listenBacklog());
    const child = spawnSync(process.execPath, ['-e', CONNECT_ALL, String(gateway.port), String(count), '5000'], { encoding: 'utf8', timeout: 30_000 });
    expect(child.stderr).toBe('');
    expect(Number(child.stdout.trim())).toBe(count);
  });
});
