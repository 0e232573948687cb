import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import type { ClientCertificate } from '@roost/contracts';
import type { Logger } from '@roost/ports';
import { clientCertificateOf } from './client-certificate';
import type { EnrolmentCredential } from './enrolment-check';
import type { GatewayMetrics } from './gateway-metrics';
import { InboundQueue } from './inbound-queue';
import { BudgetHolder, type BudgetRefusal, type MemoryBudget } from './memory-budget';
import { WsFrameMeter } from './ws-frame-meter';
import type { PlainReply } from './reply-encoding';
import { runInSlices } from './run-in-slices';
import { PingGroups, pingGroupCount } from './ping-groups';
import { readStatusOnlyReport, supersedes, type StatusOnlyReport } from './superseded-reports';

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
  /** Follows the frames received, to know the bytes of the message being received. */
  readonly meter = new WsFrameMeter();
  /** Bytes received and not yet handled (the message being received and the frames queued). */
  readonly inbound = new BudgetHolder();
  /** Bytes of complete frames queued for handling. */
  queuedBytes = 0;
  /** Its newest frame while still queued: a newer report may take its place (superseded-reports.ts). */
  lastQueued: QueuedFrame | null = null;
  /** Bytes sent and not yet taken by the kernel. */
  readonly outbound = new BudgetHolder();
  /** `meter.messages` when a ping found a message being received; -1 when none was. */
  stallMark = -1;
  /** Set when the gateway cut this socket off (over budget, too slow): what it sends is dropped. */
  cutOff = false;
  /** The last plain reply sent to it (uid and capabilities only), kept encoded for the next. */
  plainReply: PlainReply | null = null;
  /** Detaches the budget meter from the socket (set once the socket is read through it). */
  stopReading: () => void = () => undefined;
  /** The TCP (or TLS) stream under the WebSocket; null until the upgrade completes. */
  stream: Duplex | null = null;

  constructor(
    readonly socket: WebSocket,
    private readonly limits: PeerLimits,
    /** The verified TLS client certificate of the connection (mTLS); null without one. */
    readonly clientCertificate: ClientCertificate | null = null,
    /** The enrolment token the upgrade request showed; null without one. */
    readonly enrolment: EnrolmentCredential | null = null,
  ) {}

  /** Sends one binary frame; false when the socket is no longer open or this frame would pass a limit. */
  send(frame: Uint8Array): boolean {
    if (this.closed || this.cutOff || this.socket.readyState !== 1) return false;
    const length = frame.length;
    const outbound = this.outbound.bytes + length;
    const refusal = outbound > this.limits.maxOutboundBytes ? 'slow_reader' : this.limits.budget.resize(this.outbound, outbound, false);
    if (refusal !== null) {
      this.limits.cut(this, refusal);
      return false;
    }
    this.socket.send(frame, { binary: true }, () => this.written(length));
    return true;
  }

  /** Runs `sends` with the socket's writes held, so that the frames they send leave in one write. */
  together(sends: () => void): void {
    const stream = this.stream;
    if (stream === null) return sends();
    stream.cork();
    try {
      sends();
    } finally {
      stream.uncork();
    }
  }

  private written(length: number): void {
    if (this.closed) return;
    this.limits.budget.resize(this.outbound, this.outbound.bytes - length, false);
  }

  close(code: number, reason: string): void {
    if (this.closed) return;
    this.socket.close(code, reason);
  }
}

/** What a peer's sends are held to, and how it is cut off. */
interface PeerLimits {
  readonly budget: MemoryBudget;
  /** Bytes one socket may have sent and not yet taken by the kernel (a reader that slow is cut off). */
  readonly maxOutboundBytes: number;
  readonly cut: (peer: WsPeer, reason: CutReason) => void;
}

/** Why the gateway cut a socket off. */
export type CutReason = BudgetRefusal | 'slow_reader' | 'slow_sender';

/** The close code and reason an agent reads when cut off. */
const CUT_CLOSES: Record<CutReason, readonly [number, string]> = {
  memory_budget: [1013, 'gateway memory budget for messages is full; retry later'],
  pre_auth_budget: [1013, 'gateway memory for first messages is full; retry later'],
  slow_reader: [1008, 'too many bytes sent and not read'],
  slow_sender: [1008, 'message not received within a ping interval'],
};

/** How long a cut-off socket gets to read its close frame before it is destroyed. */
const CUT_GRACE_MS = 1_000;

/** A frame waiting in the inbound queue; `folded` older reports of its socket were superseded by it in the queue. */
interface QueuedFrame {
  readonly peer: WsPeer;
  frame: Buffer;
  /** The frame read as a status-only report: null when it is something else, undefined until a newer frame asks. */
  report: StatusOnlyReport | null | undefined;
  folded: number;
}

export interface WsPeerHandler {
  /**
   * A binary frame, header included; never called after close. `folded` consecutive reports of
   * the socket came just before it and said nothing it does not (superseded-reports.ts): each
   * is owed an answer, and the agent's sequence numbers moved on by as many.
   */
  onFrame(peer: WsPeer, frame: Buffer, folded: number): void;
  onClose(peer: WsPeer): void;
}

export interface WebSocketTransport {
  /** Completes an upgrade the HTTP layer already authorised (with the enrolment token it showed, if any). */
  accept(request: IncomingMessage, socket: Duplex, head: Buffer, enrolment: EnrolmentCredential | null): void;
  readonly peerCount: number;
  /** The open sockets, bound to an agent or not yet. */
  peers(): IterableIterator<WsPeer>;
  /** Closes every socket (1001 going away), stops pinging, and handles what is still queued. */
  close(): Promise<void>;
}

/**
 * WebSocket side of the OpAMP endpoint. Frames over `maxFrameBytes` close the socket with 1009
 * (the `ws` read limit); text frames are ignored and counted; dead peers are found by pings.
 * Every byte a socket has sent and the gateway not yet handled, and every byte written to it and
 * not yet taken by the kernel, is held in the gateway's memory budget: a socket that would pass
 * it is cut off (1013) and what it sends is dropped; so is one whose message is still incomplete
 * a ping interval later, or that leaves more than `maxOutboundBytes` unread (1008).
 */
export function createWebSocketTransport(
  handler: WsPeerHandler,
  options: {
    maxFrameBytes: number;
    pingIntervalMs: number;
    sliceSize: number;
    /** Longest stretch spent on queued frames before yielding to the event loop. */
    inboundSliceMs: number;
    /** Queued bytes above which sockets that send more stop being read, until the queue is down to a quarter. */
    inboundHighWaterBytes: number;
    budget: MemoryBudget;
    maxOutboundBytes: number;
    /** Counts and logs a refusal (the caller throttles the log). */
    onRefused: (reason: CutReason) => void;
    metrics: GatewayMetrics;
    logger: Logger;
  },
): WebSocketTransport {
  const server = new WebSocketServer({ noServer: true, maxPayload: options.maxFrameBytes, perMessageDeflate: false, clientTracking: false });
  const peers = new Set<WsPeer>();
  const { metrics, logger } = options;
  const pausedPeers = new Set<WsPeer>();
  const { budget } = options;
  const limits: PeerLimits = { budget, maxOutboundBytes: options.maxOutboundBytes, cut };
  const superseded = metrics.messagesSuperseded.labels('websocket');
  const inbound = new InboundQueue<QueuedFrame>((item) => (item.frame === CLOSE_MARK ? handler.onClose(item.peer) : handled(item)), {
    sliceMs: options.inboundSliceMs,
    maxSliceMs: options.inboundSliceMs * 4,
    highWater: options.inboundHighWaterBytes,
    lowWater: Math.floor(options.inboundHighWaterBytes / 4),
    weightOf: (item) => item.frame.length,
    onPause: () => logger.warn({ queuedBytes: options.inboundHighWaterBytes }, 'inbound backlog: pausing reads from sockets that send more'),
    onResume: () => {
      for (const peer of pausedPeers) if (!peer.closed) peer.socket.resume();
      pausedPeers.clear();
    },
    onError: ({ peer }, error) => logger.error({ agentId: peer.agentId, err: String(error) }, 'WebSocket frame handling failed'),
  });

  function handled(item: QueuedFrame): void {
    const { peer, frame } = item;
    if (peer.lastQueued === item) peer.lastQueued = null;
    // Counted as they are answered (with the newer report), not as they are superseded.
    if (item.folded > 0) superseded.inc(item.folded);
    if (!peer.closed) {
      peer.queuedBytes -= frame.length;
      budget.resize(peer.inbound, peer.meter.held + peer.queuedBytes, peer.agentId === null);
    }
    handler.onFrame(peer, frame, item.folded);
  }

  /**
   * Queues a frame, or lets it take the place of its socket's newest queued frame when that one
   * is a report it supersedes: under load an agent's health reports wait as one, not as many.
   */
  function enqueue(peer: WsPeer, frame: Buffer): void {
    // Frames are read only when one of the same socket still waits: an unloaded gateway reads none.
    const last = peer.lastQueued;
    if (last !== null && last.report === undefined) last.report = readStatusOnlyReport(last.frame);
    const report = last?.report ? readStatusOnlyReport(frame) : undefined;
    if (last?.report && report && supersedes(last.report, report)) {
      const delta = frame.length - last.frame.length;
      peer.queuedBytes += delta;
      last.frame = frame;
      last.report = report;
      last.folded += 1;
      inbound.reweighed(delta);
      return;
    }
    peer.queuedBytes += frame.length;
    const item: QueuedFrame = { peer, frame, report, folded: 0 };
    peer.lastQueued = item;
    inbound.push(item);
  }

  /**
   * Sits before the `ws` receiver on the socket: a chunk is passed on only if the budget can hold
   * it (an upper bound: the message being received plus every byte of the chunk), and the
   * holding is then set to what the receiver and the queue really keep.
   */
  function meteredData(peer: WsPeer, socket: Duplex, receive: (chunk: Buffer) => void, chunk: Buffer): void {
    if (peer.cutOff) return;
    const preAuth = peer.agentId === null;
    const refusal = budget.resize(peer.inbound, peer.inbound.bytes + chunk.length, preAuth);
    if (refusal !== null) return cut(peer, refusal);
    peer.meter.consume(chunk);
    receive.call(socket, chunk);
    if (!peer.closed) budget.resize(peer.inbound, peer.meter.held + peer.queuedBytes, preAuth);
  }

  function cut(peer: WsPeer, reason: CutReason): void {
    if (peer.cutOff || peer.closed) return;
    peer.cutOff = true;
    options.onRefused(reason);
    const [code, text] = CUT_CLOSES[reason];
    logger.debug({ agentId: peer.agentId, reason }, 'WebSocket cut off');
    peer.socket.pause();
    peer.socket.close(code, text);
    setTimeout(() => peer.socket.terminate(), CUT_GRACE_MS).unref();
  }

  function onMessage(this: WebSocket, data: RawData, isBinary: boolean): void {
    const peer = peerOf(this);
    if (!peer || peer.closed || peer.cutOff) return;
    if (!isBinary) {
      metrics.decodeErrors.inc({ transport: 'websocket', reason: 'non_binary_frame' });
      logger.debug({ agentId: peer.agentId }, 'ignored a non-binary WebSocket frame');
      return;
    }
    enqueue(peer, toBuffer(data));
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
    peer?.stopReading();
    if (error.code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH') {
      metrics.decodeErrors.inc({ transport: 'websocket', reason: 'too_large' });
    }
    logger.debug({ agentId: peer?.agentId ?? null, err: error.message, code: error.code }, 'WebSocket error; the socket closes');
  }
  function onClose(this: WebSocket): void {
    const peer = peerOf(this);
    if (!peer || peer.closed) return;
    peer.closed = true;
    budget.release(peer.inbound);
    budget.release(peer.outbound);
    peers.delete(peer);
    pingGroups.delete(peer);
    pausedPeers.delete(peer);
    peer.lastQueued = null;
    // Frames already queued from this socket are dropped by onFrame (the peer is closed); the
    // close is handled after them, in order.
    inbound.push({ peer, frame: CLOSE_MARK, report: null, folded: 0 });
  }

  // Each peer is pinged once per interval, its group's turn; a tick per group.
  const pingGroups = new PingGroups<WsPeer>(pingGroupCount(options.pingIntervalMs));
  const pinger = setInterval(() => {
    void runInSlices(
      pingGroups.nextTurn(),
      { maxItems: options.sliceSize * 8, sliceMs: 5 },
      (peer) => {
        if (peer.closed) return;
        if (peer.meter.held === 0) peer.stallMark = -1;
        else if (peer.stallMark === peer.meter.messages) return cut(peer, 'slow_sender');
        else peer.stallMark = peer.meter.messages;
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
    accept(request, socket, head, enrolment) {
      server.handleUpgrade(request, socket, head, (ws) => {
        const peer = new WsPeer(ws, limits, clientCertificateOf(socket), enrolment);
        peer.stream = socket;
        PEERS.set(ws, peer);
        // `ws` has just added its data listener (and put `head` back to be read again): every
        // chunk now goes through the meter first.
        const [receive] = socket.listeners('data') as ((chunk: Buffer) => void)[];
        if (receive === undefined) throw new Error('the ws library no longer reads the socket with a data listener');
        socket.removeListener('data', receive);
        const metered = (chunk: Buffer): void => meteredData(peer, socket, receive, chunk);
        socket.on('data', metered);
        // On a protocol error (a frame over the limit, a bad opcode) `ws` removes its own data
        // listener, so that what the peer still sends is discarded and its end is seen; ours
        // must go too, or every chunk is fed to the failed receiver, which pauses the socket:
        // the peer, and what it sent, would stay until ws's 30 s close timeout.
        peer.stopReading = () => socket.removeListener('data', metered);
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
    peers: () => peers.values(),
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
