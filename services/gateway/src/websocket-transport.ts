import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import type { Logger } from '@roost/ports';
import type { GatewayMetrics } from './gateway-metrics';
import { InboundQueue } from './inbound-queue';
import { runInSlices } from './run-in-slices';
import { PingGroups, pingGroupCount } from './ping-groups';

/** The gateway side of one WebSocket: what the agent sessions see of a socket. */
export class WsPeer {
  /** Agent bound by the first message; null before it (or after an undecodable first frame). */
  agentId: string | null = null;
  /** Cleared at each ping, set by the pong; a peer found still cleared at the next ping is dead. */
  alive = true;
  closed = false;
  /** Messages of this socket are handled in order: set while one waits for an async read. */
  queue: Promise<void> | null = null;
  /** When this socket took its uid over from another live socket (ms); null if it did not. */
  tookOverAt: number | null = null;
  /** Set when its agent claimed a uid another live socket holds and was given `to` instead. */
  reassigned: { readonly from: string; readonly to: Uint8Array; readonly toText: string } | null = null;

  constructor(readonly socket: WebSocket) {}

  /** Sends one binary frame; false when the socket is no longer open. */
  send(frame: Uint8Array): boolean {
    if (this.closed || this.socket.readyState !== 1) return false;
    this.socket.send(frame, { binary: true });
    return true;
  }

  close(code: number, reason: string): void {
    if (this.closed) return;
    this.socket.close(code, reason);
  }
}

export interface WsPeerHandler {
  /** A binary frame, header included; never called after close. */
  onFrame(peer: WsPeer, frame: Buffer): void;
  onClose(peer: WsPeer): void;
}

export interface WebSocketTransport {
  /** Completes an upgrade the HTTP layer already authorised. */
  accept(request: IncomingMessage, socket: Duplex, head: Buffer): void;
  readonly peerCount: number;
  /** Closes every socket (1001 going away), stops pinging, and handles what is still queued. */
  close(): Promise<void>;
}

/**
 * WebSocket side of the OpAMP endpoint. Frames over `maxFrameBytes` close the socket with 1009
 * (the `ws` read limit); text frames are ignored and counted; dead peers are found by pings.
 */
export function createWebSocketTransport(
  handler: WsPeerHandler,
  options: {
    maxFrameBytes: number;
    pingIntervalMs: number;
    sliceSize: number;
    /** Longest stretch spent on queued frames before yielding to the event loop. */
    inboundSliceMs: number;
    /** Queued frames above which sockets stop being read until the queue is down to a quarter. */
    inboundHighWater: number;
    metrics: GatewayMetrics;
    logger: Logger;
  },
): WebSocketTransport {
  const server = new WebSocketServer({ noServer: true, maxPayload: options.maxFrameBytes, perMessageDeflate: false, clientTracking: false });
  const peers = new Set<WsPeer>();
  const { metrics, logger } = options;
  const pausedPeers = new Set<WsPeer>();
  const inbound = new InboundQueue<{ peer: WsPeer; frame: Buffer }>(({ peer, frame }) => (frame === CLOSE_MARK ? handler.onClose(peer) : handler.onFrame(peer, frame)), {
    sliceMs: options.inboundSliceMs,
    highWater: options.inboundHighWater,
    lowWater: Math.floor(options.inboundHighWater / 4),
    onPause: () => logger.warn({ queued: options.inboundHighWater }, 'inbound backlog: pausing reads from sockets that send more'),
    onResume: () => {
      for (const peer of pausedPeers) if (!peer.closed) peer.socket.resume();
      pausedPeers.clear();
    },
    onError: ({ peer }, error) => logger.error({ agentId: peer.agentId, err: String(error) }, 'WebSocket frame handling failed'),
  });

  function onMessage(this: WebSocket, data: RawData, isBinary: boolean): void {
    const peer = peerOf(this);
    if (!peer || peer.closed) return;
    if (!isBinary) {
      metrics.decodeErrors.inc({ transport: 'websocket', reason: 'non_binary_frame' });
      logger.debug({ agentId: peer.agentId }, 'ignored a non-binary WebSocket frame');
      return;
    }
    inbound.push({ peer, frame: toBuffer(data) });
    if (inbound.isPaused && !pausedPeers.has(peer)) {
      pausedPeers.add(peer);
      peer.socket.pause();
    }
  }
  function onPong(this: WebSocket): void {
    const peer = peerOf(this);
    if (peer) peer.alive = true;
  }
  function onError(this: WebSocket, error: Error & { code?: string }): void {
    const peer = peerOf(this);
    if (error.code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH') {
      metrics.decodeErrors.inc({ transport: 'websocket', reason: 'too_large' });
    }
    logger.debug({ agentId: peer?.agentId ?? null, err: error.message, code: error.code }, 'WebSocket error; the socket closes');
  }
  function onClose(this: WebSocket): void {
    const peer = peerOf(this);
    if (!peer || peer.closed) return;
    peer.closed = true;
    peers.delete(peer);
    pingGroups.delete(peer);
    pausedPeers.delete(peer);
    // Frames already queued from this socket are dropped by onFrame (the peer is closed); the
    // close is handled after them, in order.
    inbound.push({ peer, frame: CLOSE_MARK });
  }

  // Each peer is pinged once per interval, its group's turn; a tick per group.
  const pingGroups = new PingGroups<WsPeer>(pingGroupCount(options.pingIntervalMs));
  const pinger = setInterval(() => {
    void runInSlices(
      pingGroups.nextTurn(),
      { maxItems: options.sliceSize * 8, sliceMs: 5 },
      (peer) => {
        if (peer.closed) return;
        if (!peer.alive) {
          logger.info({ agentId: peer.agentId }, 'WebSocket peer missed a pong; terminating');
          peer.socket.terminate();
          return;
        }
        peer.alive = false;
        peer.socket.ping();
      },
      (peer, error) => logger.warn({ agentId: peer.agentId, err: String(error) }, 'ping failed'),
    );
  }, options.pingIntervalMs / pingGroups.size);
  pinger.unref();

  return {
    accept(request, socket, head) {
      server.handleUpgrade(request, socket, head, (ws) => {
        const peer = new WsPeer(ws);
        PEERS.set(ws, peer);
        peers.add(peer);
        pingGroups.add(peer);
        ws.on('message', onMessage);
        ws.on('pong', onPong);
        ws.on('error', onError);
        ws.on('close', onClose);
      });
    },
    get peerCount() {
      return peers.size;
    },
    async close() {
      clearInterval(pinger);
      const open = [...peers];
      await Promise.all(
        open.map(
          (peer) =>
            new Promise<void>((resolve) => {
              peer.socket.once('close', () => resolve());
              peer.socket.close(1001, 'gateway shutting down');
              setTimeout(() => {
                peer.socket.terminate();
                resolve();
              }, 2_000).unref();
            }),
        ),
      );
      server.close();
      // The closes are queued behind the frames still waiting: let them all be handled.
      await inbound.idle();
    },
  };
}

/** Queued after a socket's last frame: its close is handled in order with its messages. */
const CLOSE_MARK = Buffer.alloc(0);

/** The peer of a socket, without a closure per socket. */
const PEERS = new WeakMap<WebSocket, WsPeer>();

function peerOf(socket: WebSocket): WsPeer | undefined {
  return PEERS.get(socket);
}

function toBuffer(data: RawData): Buffer {
  if (Buffer.isBuffer(data)) return data;
  if (Array.isArray(data)) return Buffer.concat(data);
  return Buffer.from(data);
}
