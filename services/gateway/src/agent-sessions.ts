import {
  decodeAgentToServer,
  decodeWsFrame,
  isOpampError,
  parseInstanceUid,
  type AgentToServer,
  type ServerToAgentInit,
} from '@roost/opamp';
import type { Logger } from '@roost/ports';
import { markDisconnected, reconcileConfig } from './agent-lifecycle';
import { answerSecondClaim } from './duplicate-claims';
import { encodeReply, encodeReplyFrame, type ReplyLimit } from './reply-encoding';
import type { AgentRecord, DesiredEntry } from './agent-record';
import type { ConfigSource } from './config-source';
import type { FleetPublisher } from './fleet-publisher';
import { decodeErrorReason, type DecodeErrorReason, type GatewayMetrics, type Transport } from './gateway-metrics';
import type { ResolvedGatewayOptions } from './gateway-options';
import { nativeSha256, rememberingSha256 } from './native-sha256';
import { handleAgentMessage, type HandledMessage, type MessageContext } from './handle-agent-message';
import type { HttpOpampResult } from './http-endpoint';
import type { WsPeer, WsPeerHandler } from './websocket-transport';

export interface AgentSessionsDeps {
  readonly options: ResolvedGatewayOptions;
  readonly configs: ConfigSource;
  readonly publisher: FleetPublisher;
  readonly metrics: GatewayMetrics;
  readonly logger: Logger;
  /** Open WebSocket connections, bound to an agent or not yet. */
  readonly openSockets: () => number;
  readonly newInstanceUid: () => Uint8Array;
  readonly nextEventId: () => string;
}

/**
 * The thin shell around the pure handler: agent records keyed by instance uid, the socket each
 * WebSocket agent is bound to, HTTP agents' liveness, and the I/O (decode, reply, publish,
 * `agent-desired` reads on connect).
 */
export class AgentSessions implements WsPeerHandler {
  readonly records = new Map<string, AgentRecord>();
  readonly sockets = new Map<string, WsPeer>();
  readonly httpAgents = new Set<string>();
  /** Connections opening, by agent, until the message that opened them is handled. */
  private readonly opening = new Map<string, Promise<unknown>>();
  private readonly limit: { maxMessageBytes: number };
  /** Effective configs are hashed per report; a rollout makes thousands of them identical. */
  private readonly sha256 = rememberingSha256(nativeSha256);
  // Label children resolved once: a labelled inc() per message would hash the labels each time.
  private readonly inWs;
  private readonly inHttp;
  private readonly outWs;
  private readonly outHttp;

  constructor(private readonly deps: AgentSessionsDeps) {
    this.limit = { maxMessageBytes: deps.options.maxMessageBytes };
    this.inWs = deps.metrics.messagesIn.labels('websocket');
    this.inHttp = deps.metrics.messagesIn.labels('http');
    this.outWs = deps.metrics.messagesOut.labels('websocket');
    this.outHttp = deps.metrics.messagesOut.labels('http');
  }

  get connectedCount(): number {
    return this.sockets.size + this.httpAgents.size;
  }

  /** The agents connected here now, WebSocket and HTTP. */
  connectedAgentIds(): string[] {
    return [...this.sockets.keys(), ...this.httpAgents];
  }

  /**
   * Settles once the connection being opened for this agent is (its `agent-desired` read on
   * connect may predate a change a nudge announces); undefined when none is opening.
   */
  connectInFlight(agentId: string): Promise<unknown> | undefined {
    return this.opening.get(agentId);
  }

  /** Room for one more connection (open sockets include those not bound yet). */
  admitsNewConnection(): boolean {
    return this.deps.openSockets() + this.httpAgents.size < this.deps.options.maxAgents;
  }

  // ---- WebSocket ----

  onFrame(peer: WsPeer, frame: Buffer): void {
    let message: AgentToServer;
    try {
      message = decodeAgentToServer(decodeWsFrame(frame, this.limit).data, this.limit);
    } catch (error) {
      const reason = this.decodeFailed('websocket', error, peer.agentId);
      if (reason === 'too_large') peer.close(1009, 'message too large');
      return;
    }
    this.inWs.inc();
    const claimed = uidTextOf(message);
    // An agent given a new uid may send a few more messages with the old one (or never adopt it):
    // they are its, not the holder's.
    const stillOld = peer.reassigned !== null && claimed === peer.reassigned.from;
    const agentId = stillOld ? (peer.reassigned?.toText ?? null) : claimed;
    if (peer.queue) {
      this.track(peer, peer.queue.then(() => this.wsMessage(peer, message, agentId, stillOld)));
      return;
    }
    const pending = this.wsMessage(peer, message, agentId, stillOld);
    if (pending) this.track(peer, pending);
  }

  onClose(peer: WsPeer): void {
    const agentId = peer.agentId;
    if (agentId === null || this.sockets.get(agentId) !== peer) return;
    this.sockets.delete(agentId);
    this.disconnect(agentId, 'socket closed');
  }

  private track(peer: WsPeer, pending: Promise<void>): void {
    const settled = pending.catch((error: unknown) => this.deps.logger.error({ err: String(error), agentId: peer.agentId }, 'WebSocket message failed'));
    peer.queue = settled;
    void settled.then(() => {
      if (peer.queue === settled) peer.queue = null;
    });
  }

  /** Handles now, or after reading `agent-desired` when the message opens a connection. */
  private wsMessage(peer: WsPeer, message: AgentToServer, agentId: string | null, stillOld: boolean): Promise<void> | undefined {
    if (agentId !== null && peer.agentId !== agentId && !peer.closed) {
      return this.whileOpening(
        agentId,
        this.deps.configs.desiredOnConnect(agentId).then((desired) => this.wsHandle(peer, message, agentId, true, desired, stillOld)),
      );
    }
    this.wsHandle(peer, message, agentId, peer.agentId !== agentId, undefined, stillOld);
    return undefined;
  }

  private wsHandle(
    peer: WsPeer,
    message: AgentToServer,
    claimedId: string | null,
    newConnection: boolean,
    desired: DesiredEntry | undefined,
    stillOld: boolean,
  ): void {
    const reassignTo = stillOld ? peer.reassigned?.to : this.reassignmentFor(peer, claimedId, newConnection);
    const agentId = reassignTo ? (peer.reassigned?.toText ?? null) : claimedId;
    const context = this.context('websocket', newConnection, desired);
    const outcome = handleAgentMessage(agentId === null ? undefined : this.records.get(agentId), message, reassignTo ? { ...context, reassignTo } : context);
    if (outcome.kind === 'rejected') {
      this.deps.metrics.decodeErrors.inc({ transport: 'websocket', reason: 'bad_instance_uid' });
      this.deps.logger.debug({ reason: outcome.reason }, 'refused a message with a bad instance_uid');
      this.sendWs(peer, outcome.response);
      return;
    }
    const id = outcome.record.agentId;
    if (peer.agentId !== null && peer.agentId !== id && outcome.previousAgentId !== peer.agentId && this.sockets.get(peer.agentId) === peer) {
      // The socket now speaks for another uid: the agent it spoke for is gone.
      this.sockets.delete(peer.agentId);
      this.disconnect(peer.agentId, 'socket switched instance_uid');
    }
    this.store(outcome);
    if (peer.closed) {
      // Sent just before its socket closed: what it said counts, but it cannot be answered,
      // and the agent is gone unless another connection holds it.
      this.afterReply(outcome);
      if (!this.sockets.has(id) || this.sockets.get(id) === peer) {
        this.sockets.delete(id);
        this.disconnect(id, 'socket closed');
      }
      return;
    }
    if (this.replaceConnection(id, peer)) peer.tookOverAt = this.deps.options.now();
    if (outcome.record.connected) {
      peer.agentId = id;
      this.sockets.set(id, peer);
    } else {
      peer.agentId = null;
    }
    this.sendWs(peer, outcome.response);
    this.afterReply(outcome);
  }

  private sendWs(peer: WsPeer, response: ServerToAgentInit): void {
    const frame = this.encode(encodeReplyFrame, response, peer.agentId);
    if (frame && peer.send(frame)) this.outWs.inc();
  }

  // ---- plain HTTP ----

  async onHttpBody(body: Buffer): Promise<HttpOpampResult> {
    let message: AgentToServer;
    try {
      message = decodeAgentToServer(body, this.limit);
    } catch (error) {
      const reason = this.decodeFailed('http', error, null);
      return { kind: 'malformed', reason: `body is not an AgentToServer message (${reason})` };
    }
    this.inHttp.inc();
    const agentId = uidTextOf(message);
    const known = agentId === null ? undefined : this.records.get(agentId);
    const newConnection = !known || !known.connected || known.transport !== 'http';
    if (newConnection && !(known?.connected ?? false) && !this.admitsNewConnection()) return { kind: 'over_capacity' };
    const desired = newConnection && agentId !== null ? await this.whileOpening(agentId, this.deps.configs.desiredOnConnect(agentId)) : undefined;
    const outcome = handleAgentMessage(agentId === null ? undefined : this.records.get(agentId), message, this.context('http', newConnection, desired));
    if (outcome.kind === 'rejected') {
      this.deps.metrics.decodeErrors.inc({ transport: 'http', reason: 'bad_instance_uid' });
      return this.httpReply(outcome.response, null);
    }
    const id = outcome.record.agentId;
    this.store(outcome);
    this.replaceConnection(id, null);
    if (outcome.record.connected) this.httpAgents.add(id);
    else this.httpAgents.delete(id);
    const result = this.httpReply(outcome.response, id);
    this.afterReply(outcome);
    return result;
  }

  private httpReply(response: ServerToAgentInit, agentId: string | null): HttpOpampResult {
    const bytes = this.encode(encodeReply, response, agentId);
    if (!bytes) return { kind: 'malformed', reason: 'the reply could not be encoded' };
    this.outHttp.inc();
    return { kind: 'reply', body: bytes };
  }

  // ---- shared ----

  private whileOpening<T>(agentId: string, opening: Promise<T>): Promise<T> {
    this.opening.set(agentId, opening);
    const done = (): void => {
      if (this.opening.get(agentId) === opening) this.opening.delete(agentId);
    };
    opening.then(done, done);
    return opening;
  }

  /** Stores the handler's record, dropping the old key after RequestInstanceUid. */
  private store(outcome: HandledMessage): void {
    if (outcome.previousAgentId !== null) {
      this.records.delete(outcome.previousAgentId);
      this.httpAgents.delete(outcome.previousAgentId);
      if (this.sockets.get(outcome.previousAgentId)) this.sockets.delete(outcome.previousAgentId);
    }
    this.records.set(outcome.record.agentId, outcome.record);
  }

  /**
   * A second connection for a uid replaces the first: the old socket is closed. True when one
   * was replaced (duplicates were turned away before, by `reassignmentFor`).
   */
  private replaceConnection(agentId: string, current: WsPeer | null): boolean {
    const previous = this.sockets.get(agentId);
    let replaced = false;
    if (previous && previous !== current) {
      this.sockets.delete(agentId);
      previous.agentId = null;
      previous.close(1000, 'replaced by a newer connection for this instance_uid');
      this.deps.logger.info({ agentId }, 'a newer connection replaced the agent\'s previous one');
      replaced = !previous.closed;
    }
    if (current !== null) this.httpAgents.delete(agentId);
    return replaced;
  }

  /**
   * The uid to give a socket's agent instead of the one it claims, when another live socket
   * holds that one and took it over moments ago: two agents share it (duplicate-claims.ts).
   */
  private reassignmentFor(peer: WsPeer, claimedId: string | null, newConnection: boolean): Uint8Array | undefined {
    if (claimedId === null || !newConnection || peer.closed) return undefined;
    const holder = this.sockets.get(claimedId);
    if (!holder || holder === peer || holder.closed) return undefined;
    if (answerSecondClaim(holder.tookOverAt, this.deps.options.now()) === 'replace') return undefined;
    const to = this.deps.newInstanceUid();
    peer.reassigned = { from: claimedId, to, toText: parseInstanceUid(to).text };
    this.deps.metrics.duplicateUids.inc();
    this.deps.logger.warn(
      { agentId: claimedId, newAgentId: peer.reassigned.toText },
      'instance_uid held by another live connection that just took it over: the newcomer is assigned a new uid',
    );
    return to;
  }

  private afterReply(outcome: HandledMessage): void {
    if (outcome.event) this.deps.publisher.publish(outcome.event);
    if (outcome.response.remoteConfig) this.deps.metrics.configsSent.inc({ transport: outcome.record.transport });
    if (outcome.appliedAfterMs !== null) this.deps.metrics.pushToApplied.observe(outcome.appliedAfterMs / 1000);
    if (outcome.missingConfig !== null) this.loadAndReconcile(outcome.record.agentId, outcome.missingConfig);
    if (outcome.disconnect) this.sockets.delete(outcome.record.agentId);
  }

  /** Marks an agent gone (socket closed, polls missed) and says so once. */
  disconnect(agentId: string, why: string): void {
    const record = this.records.get(agentId);
    this.httpAgents.delete(agentId);
    if (!record) return;
    const { record: next, event } = markDisconnected(record, this.eventContext());
    this.records.set(agentId, next);
    if (event) {
      this.deps.logger.debug({ agentId, why }, 'agent disconnected');
      this.deps.publisher.publish(event);
    }
  }

  /**
   * Records a new desired hash (undefined: keep) and pushes the config to a WebSocket agent
   * when one is due; HTTP agents get it in the reply to their next poll.
   */
  reconcile(agentId: string, desired: DesiredEntry | undefined): void {
    const record = this.records.get(agentId);
    if (!record) return;
    const result = reconcileConfig(record, desired, this.offerContext());
    this.records.set(agentId, result.record);
    if (result.message) {
      const peer = this.sockets.get(agentId);
      if (peer) {
        this.sendWs(peer, result.message);
        this.deps.metrics.configsSent.inc({ transport: 'websocket' });
      }
    }
    if (result.missingConfig !== null) this.loadAndReconcile(agentId, result.missingConfig);
  }

  private loadAndReconcile(agentId: string, hash: string): void {
    void this.deps.configs.config(hash).then((config) => {
      if (config) this.reconcile(agentId, undefined);
    });
  }

  private encode<T>(encoder: (message: ServerToAgentInit, limit: ReplyLimit) => T, response: ServerToAgentInit, agentId: string | null): T | null {
    try {
      return encoder(response, this.limit);
    } catch (error) {
      this.deps.logger.error({ agentId, err: String(error) }, 'reply not sent: it cannot be encoded within the size limit');
      return null;
    }
  }

  private decodeFailed(transport: Transport, error: unknown, agentId: string | null): DecodeErrorReason {
    if (!isOpampError(error)) throw error;
    const reason = decodeErrorReason(error);
    this.deps.metrics.decodeErrors.inc({ transport, reason });
    this.deps.logger.debug({ transport, agentId, code: error.code, err: error.message }, 'refused a malformed message');
    return reason;
  }

  private context(transport: Transport, newConnection: boolean, desired: DesiredEntry | undefined): MessageContext {
    const { options, configs } = this.deps;
    return {
      now: options.now(),
      gatewayId: options.gatewayId,
      transport,
      newConnection,
      desired,
      heartbeatIntervalSeconds: options.heartbeatIntervalSeconds,
      redeliverAfterMs: options.redeliverAfterMs,
      newInstanceUid: this.deps.newInstanceUid,
      nextEventId: this.deps.nextEventId,
      offerable: configs.cached,
      sha256: this.sha256,
    };
  }

  private offerContext(): Pick<MessageContext, 'now' | 'redeliverAfterMs' | 'heartbeatIntervalSeconds' | 'offerable'> {
    const { options, configs } = this.deps;
    return {
      now: options.now(),
      redeliverAfterMs: options.redeliverAfterMs,
      heartbeatIntervalSeconds: options.heartbeatIntervalSeconds,
      offerable: configs.cached,
    };
  }

  private eventContext(): { now: number; gatewayId: string; nextEventId: () => string } {
    return { now: this.deps.options.now(), gatewayId: this.deps.options.gatewayId, nextEventId: this.deps.nextEventId };
  }
}

function uidTextOf(message: AgentToServer): string | null {
  try {
    return parseInstanceUid(message.instanceUid).text;
  } catch {
    return null;
  }
}
