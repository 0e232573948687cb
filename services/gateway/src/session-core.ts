import { instanceUidToBytes, isOpampError, parseInstanceUid, type AgentToServer, type ServerToAgentInit } from '@roost/opamp';
import type { OwnTelemetrySettings } from './connection-settings-offer';
import type { ClientCertificate } from '@roost/contracts';
import type { Logger } from '@roost/ports';
import { markDisconnected, reconcileConfig } from './agent-lifecycle';
import type { AgentRecord, DesiredEntry } from './agent-record';
import type { TokenStanding } from './enrolment-authority';
import type { EnrolmentCredential } from './enrolment-check';
import { handoverSettings, type HandoverKind, type TokenHandoverSettings } from './token-handover';
import { AgentStore } from './agent-store';
import type { ConfigSource } from './config-source';
import type { EffectiveConfigWriter } from './effective-config-writer';
import type { FleetPublisher } from './fleet-publisher';
import { decodeErrorReason, type DecodeErrorReason, type GatewayMetrics, type Transport } from './gateway-metrics';
import type { ResolvedGatewayOptions } from './gateway-options';
import { attachOffers, serverCapabilities, type HandledMessage, type MessageContext, type RefusedMessage } from './handle-agent-message';
import { nativeSha256, rememberingSha256 } from './native-sha256';
import { plainReplyFrame, type ReplyLimit } from './reply-encoding';
import type { WsPeer } from './websocket-transport';

export interface AgentSessionsDeps {
  readonly options: ResolvedGatewayOptions;
  readonly configs: ConfigSource;
  readonly publisher: FleetPublisher;
  readonly effectiveConfigs: EffectiveConfigWriter;
  readonly metrics: GatewayMetrics;
  readonly logger: Logger;
  /** Open WebSocket connections, bound to an agent or not yet. */
  readonly openSockets: () => number;
  readonly newInstanceUid: () => Uint8Array;
  readonly nextEventId: () => string;
  /** Where an agent sends its own metrics; absent: own metrics are not offered. */
  readonly ownTelemetryFor?: (agentId: string) => OwnTelemetrySettings;
  /** Token handover (token-handover.ts): its settings, and how a token is issued for an agent; absent: no handover. */
  readonly tokenHandover?: { readonly settings: TokenHandoverSettings; readonly issue: (fromTokenId: string, agentId: string) => Promise<{ tokenId: string; text: string }> };
  /** Where a connection's enrolment token stands now (revoked or expired since it connected); absent: always good. */
  readonly tokenStanding?: (credential: EnrolmentCredential) => TokenStanding;
}

/**
 * What both transports share around the pure handler: the agent store, what follows a handled
 * message (publish, save the effective config, push), disconnects, desired-config changes, and
 * the I/O helpers (reply encoding, decode errors, the handler's context).
 */
export class SessionCore {
  readonly agents = new AgentStore();
  readonly limit: { readonly maxMessageBytes: number };
  /** Agents a token of their own is being issued for. */
  private readonly handingOver = new Set<string>();
  /** Connections opening, by agent, until the message that opened them is handled. */
  private readonly opening = new Map<string, Promise<unknown>>();
  /** Effective configs are hashed per report; a rollout makes thousands of them identical. */
  private readonly sha256 = rememberingSha256(nativeSha256);
  // A label child resolved once: a labelled inc() per message would hash the labels each time.
  private readonly outWs;

  constructor(readonly deps: AgentSessionsDeps) {
    this.limit = { maxMessageBytes: deps.options.maxMessageBytes };
    this.outWs = deps.metrics.messagesOut.labels('websocket');
  }

  /** Room for one more connection (open sockets include those not bound yet). */
  admitsNewConnection(): boolean {
    return this.deps.openSockets() + this.agents.pollingCount < this.deps.options.maxAgents;
  }

  /**
   * Settles once the connection being opened for this agent is (its `agent-desired` read on
   * connect may predate a change a nudge announces); undefined when none is opening.
   */
  connectInFlight(agentId: string): Promise<unknown> | undefined {
    return this.opening.get(agentId);
  }

  whileOpening<T>(agentId: string, opening: Promise<T>): Promise<T> {
    this.opening.set(agentId, opening);
    const done = (): void => {
      if (this.opening.get(agentId) === opening) this.opening.delete(agentId);
    };
    opening.then(done, done);
    return opening;
  }

  /** Stores the handler's record, dropping the old key after RequestInstanceUid. */
  store(outcome: HandledMessage): void {
    if (outcome.previousAgentId !== null) this.agents.forget(outcome.previousAgentId);
    this.agents.set(outcome.record);
  }

  /**
   * A second connection for a uid replaces the first: the old socket is closed. True when one
   * was replaced (duplicates were turned away before, see WebSocketSessions.reassignmentFor).
   */
  replaceConnection(agentId: string, current: WsPeer | null): boolean {
    const previous = this.agents.socket(agentId);
    let replaced = false;
    if (previous && previous !== current) {
      this.agents.unbindSocket(agentId);
      previous.agentId = null;
      previous.close(1000, 'replaced by a newer connection for this instance_uid');
      this.deps.logger.info({ agentId }, "a newer connection replaced the agent's previous one");
      replaced = !previous.closed;
    }
    if (current !== null) this.agents.setPolling(agentId, false);
    return replaced;
  }

  afterReply(outcome: HandledMessage): void {
    if (outcome.event) this.deps.publisher.publish(outcome.event);
    if (outcome.effectiveConfig) this.deps.effectiveConfigs.save(outcome.record.agentId, outcome.effectiveConfig);
    if (outcome.response.remoteConfig) this.deps.metrics.configsSent.inc({ transport: outcome.record.transport });
    if (outcome.appliedAfterMs !== null) this.deps.metrics.pushToApplied.observe(outcome.appliedAfterMs / 1000);
    if (outcome.missingConfig !== null) this.loadAndReconcile(outcome.record.agentId, outcome.missingConfig);
    if (outcome.disconnect) this.agents.unbindSocket(outcome.record.agentId);
    if (outcome.handover !== null) this.handOver(outcome.record, outcome.handover);
  }

  /**
   * Has a token of its own issued for the agent (from the token its connection showed) and
   * offers it: pushed now over WebSocket, in the reply to the next poll over HTTP. Tried once
   * an hour at most per agent; a token issued after the connection ended is not offered.
   */
  private handOver(record: AgentRecord, kind: HandoverKind): void {
    const handover = this.deps.tokenHandover;
    const fromTokenId = record.enrolment?.tokenId;
    if (handover === undefined || fromTokenId === undefined || this.handingOver.has(record.agentId)) return;
    const { agentId, connection } = record;
    this.handingOver.add(agentId);
    this.agents.set({ ...record, handoverTriedAt: this.deps.options.now() });
    const handed = handover.issue(fromTokenId, agentId).then(
      ({ tokenId, text }) => {
        const current = this.agents.get(agentId);
        if (current === undefined || !current.connected || current.connection !== connection) return;
        this.agents.set({ ...current, handover: { tokenId, settings: handoverSettings(handover.settings, current.transport, text) } });
        this.deps.metrics.tokenHandovers.inc({ kind, outcome: 'offered' });
        this.deps.logger.info({ agentId, kind, fromTokenId, tokenId }, 'token of its own offered to an agent');
        this.pushSettings(agentId);
      },
      (error: unknown) => {
        this.deps.metrics.tokenHandovers.inc({ kind, outcome: 'failed' });
        this.deps.logger.warn({ agentId, kind, fromTokenId, err: error instanceof Error ? error.message : String(error) }, 'could not issue a token of its own for an agent; the next try is in an hour');
      },
    );
    void handed.finally(() => this.handingOver.delete(agentId));
  }

  /** Pushes what is due to a WebSocket agent now (its connection settings, say); an HTTP agent gets it in its next reply. */
  private pushSettings(agentId: string): void {
    const record = this.agents.get(agentId);
    const peer = this.agents.socket(agentId);
    if (record === undefined || peer === undefined) return;
    const message: ServerToAgentInit = { instanceUid: instanceUidToBytes(agentId), capabilities: serverCapabilities(true) };
    const offered = attachOffers(record, message, this.offerContext());
    if (message.connectionSettings === undefined && message.remoteConfig === undefined) return;
    this.agents.set(offered.record);
    this.sendWs(peer, message);
  }

  /**
   * A message refused for its connection's token (the agent out of the token's scope, or the
   * token revoked or expired since): counted, logged at debug, nothing kept.
   */
  refused(transport: Transport, agentId: string | null, outcome: RefusedMessage): void {
    this.deps.metrics.refusedConnections.inc({ reason: outcome.credentialGone ? 'token_gone' : 'out_of_scope' });
    this.deps.logger.debug({ transport, agentId, reason: outcome.reason }, 'refused a message for its enrolment token');
  }

  /** Marks an agent gone (socket closed, polls missed) and says so once. */
  disconnect(agentId: string, why: string): void {
    const record = this.agents.get(agentId);
    this.agents.setPolling(agentId, false);
    if (!record) return;
    const { record: next, event } = markDisconnected(record, this.eventContext());
    this.agents.set(next);
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
    const record = this.agents.get(agentId);
    if (!record) return;
    const result = reconcileConfig(record, desired, this.offerContext());
    this.agents.set(result.record);
    if (result.message) {
      const peer = this.agents.socket(agentId);
      if (peer) {
        this.sendWs(peer, result.message);
        this.deps.metrics.configsSent.inc({ transport: 'websocket' });
      }
    }
    if (result.missingConfig !== null) this.loadAndReconcile(agentId, result.missingConfig);
  }

  /** Sends the response, `times` times (a rejected message and the reports it superseded get the same answer). */
  sendWs(peer: WsPeer, response: ServerToAgentInit, times = 1): void {
    const encoded = this.encode((message, limit) => plainReplyFrame(peer.plainReply, message, limit), response, peer.agentId);
    if (encoded === null) return;
    peer.plainReply = encoded.held;
    for (let i = 0; i < times; i++) if (peer.send(encoded.frame)) this.outWs.inc();
  }

  /**
   * Answers `count` reports a newer one superseded in the queue, before the newer one's answer:
   * each with the newer answer's uid and capabilities alone (what is due to the agent goes once,
   * in the newer answer).
   */
  acknowledge(peer: WsPeer, response: ServerToAgentInit, count: number): void {
    this.sendWs(peer, { instanceUid: response.instanceUid, capabilities: response.capabilities }, count);
  }

  encode<T>(encoder: (message: ServerToAgentInit, limit: ReplyLimit) => T, response: ServerToAgentInit, agentId: string | null): T | null {
    try {
      return encoder(response, this.limit);
    } catch (error) {
      this.deps.logger.error({ agentId, err: String(error) }, 'reply not sent: it cannot be encoded within the size limit');
      return null;
    }
  }

  decodeFailed(transport: Transport, error: unknown, agentId: string | null): DecodeErrorReason {
    if (!isOpampError(error)) throw error;
    const reason = decodeErrorReason(error);
    this.deps.metrics.decodeErrors.inc({ transport, reason });
    this.deps.logger.debug({ transport, agentId, code: error.code, err: error.message }, 'refused a malformed message');
    return reason;
  }

  context(transport: Transport, newConnection: boolean, desired: DesiredEntry | undefined, clientCertificate: ClientCertificate | null, enrolment: EnrolmentCredential | null): MessageContext {
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
      clientCertificate,
      ...(this.deps.ownTelemetryFor === undefined ? {} : { ownTelemetryFor: this.deps.ownTelemetryFor }),
      enrolment: enrolment === null ? null : { credential: enrolment, standing: this.deps.tokenStanding?.(enrolment) ?? 'ok' },
      ...(this.deps.tokenHandover === undefined ? {} : { handoverTtlMs: this.deps.tokenHandover.settings.ttlMs }),
    };
  }

  private loadAndReconcile(agentId: string, hash: string): void {
    void this.deps.configs.config(hash).then((config) => {
      if (config) this.reconcile(agentId, undefined);
    });
  }

  private offerContext(): Pick<MessageContext, 'now' | 'redeliverAfterMs' | 'heartbeatIntervalSeconds' | 'offerable' | 'ownTelemetryFor'> {
    const { options, configs } = this.deps;
    return {
      now: options.now(),
      redeliverAfterMs: options.redeliverAfterMs,
      heartbeatIntervalSeconds: options.heartbeatIntervalSeconds,
      offerable: configs.cached,
      ...(this.deps.ownTelemetryFor === undefined ? {} : { ownTelemetryFor: this.deps.ownTelemetryFor }),
    };
  }

  private eventContext(): { now: number; gatewayId: string; nextEventId: () => string } {
    return { now: this.deps.options.now(), gatewayId: this.deps.options.gatewayId, nextEventId: this.deps.nextEventId };
  }
}

export function uidTextOf(message: AgentToServer): string | null {
  try {
    return parseInstanceUid(message.instanceUid).text;
  } catch {
    return null;
  }
}
