/**
 * The baseline: a bare `ws` server doing the transport part of the gateway's work and nothing
 * else. It answers every message with a small fixed binary ack and pushes one pre-encoded
 * remote-config frame to every connection in one synchronous loop. It listens with the same
 * backlog as the gateway (the kernel's somaxconn).
 */
import { createHash } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { listenBacklog } from '@roost/gateway';
import { serverFrame, u64 } from '../opamp-wire';
import type { ServerUnderTest } from '../server-under-test';

const ACK = serverFrame({ instanceUid: Buffer.alloc(16), capabilities: u64(0x7) });

export function createBareWsServer(): ServerUnderTest {
  let wss: WebSocketServer | undefined;
  const reporting = new Set<WebSocket>();
  let messages = 0;
  let awaiting: { remaining: number; done: () => void } | undefined;
  let configFrame: Buffer | undefined;

  const onMessage = (ws: WebSocket) => {
    messages++;
    reporting.add(ws);
    ws.send(ACK);
    if (awaiting && --awaiting.remaining === 0) awaiting.done();
  };

  return {
    start: () =>
      new Promise((resolve) => {
        // The same listen backlog as the gateway's: the kernel's limit.
        wss = new WebSocketServer({ host: '127.0.0.1', port: 0, backlog: listenBacklog(), path: '/v1/opamp', perMessageDeflate: false });
        wss.on('connection', (ws) => {
          ws.on('message', () => onMessage(ws));
          ws.on('close', () => reporting.delete(ws));
          ws.on('error', () => undefined);
        });
        wss.on('listening', () => resolve({ url: `ws://127.0.0.1:${(wss!.address() as AddressInfo).port}/v1/opamp` }));
      }),
    connectedAgents: () => reporting.size,
    prepareConfig: async (body) => {
      const hash = createHash('sha256').update(body).digest();
      configFrame = serverFrame({
        instanceUid: Buffer.alloc(16),
        remoteConfig: { config: { configMap: { '': { body, contentType: 'text/yaml' } } }, configHash: hash },
      });
    },
    deliverConfig: () => {
      const frame = configFrame!;
      const targets = [...reporting];
      return new Promise((resolve) => {
        const start = performance.now();
        let fanOutMs = 0;
        awaiting = { remaining: targets.length, done: () => resolve({ agents: targets.length, fanOutMs }) };
        for (const ws of targets) ws.send(frame);
        fanOutMs = performance.now() - start;
      });
    },
    messagesProcessed: async () => messages,
    stop: () =>
      new Promise((resolve) => {
        for (const ws of wss?.clients ?? []) ws.terminate();
        wss?.close(() => resolve());
      }),
  };
}
