import { decodeAgentToServer, decodeWsFrame, parseInstanceUid, type AgentToServer } from '@roost/opamp';
import { afterSupersededReports, type DesiredEntry } from './agent-record';
import { answerSecondClaim } from './duplicate-claims';
import { handleAgentMessage } from './handle-agent-message';
import { uidTextOf, type SessionCore } from './session-core';
import type { WsPeer, WsPeerHandler } from './websocket-transport';

/**
 * WebSocket agents: binds each socket to the agent it speaks for (reading `agent-desired` when a
 * message opens a connection), keeps each socket's messages in order, and sorts out two live
 * sockets claiming one instance uid.
 */
export class WebSocketSessions implements WsPeerHandler {
  // A label child resolved once: a labelled inc() per message would hash the labels each time.
  private readonly messagesIn;

  constructor(private readonly core: SessionCore) {
    this.messagesIn = core.deps.metrics.messagesIn.labels('websocket');
  }

  onFrame(peer: WsPeer, frame: Buffer, folded: number): void {
    let message: AgentToServer;
    try {
      message = decodeAgentToServer(decodeWsFrame(frame, this.core.limit).data, this.core.limit);
    } catch (error) {
      const reason = this.core.decodeFailed('websocket', error, peer.agentId);
      if (reason === 'too_large') peer.close(1009, 'message too large');
      return;
    }
    this.messagesIn.inc();
    const claimed = uidTextOf(message);
    // An agent given a new uid may send a few more messages with the old one (or never adopt it):
    // they are its, not the holder's.
    const stillOld = peer.reassigned !== null && claimed === peer.reassigned.from;
    const agentId = stillOld ? (peer.reassigned?.toText ?? null) : claimed;
    if (peer.queue) {
      this.track(peer, peer.queue.then(() => this.message(peer, message, agentId, stillOld, folded)));
      return;
    }
    const pending = this.message(peer, message, agentId, stillOld, folded);
    if (pending) this.track(peer, pending);
  }

  onClose(peer: WsPeer): void {
    const agentId = peer.agentId;
    if (agentId === null || this.core.agents.socket(agentId) !== peer) return;
    this.core.agents.unbindSocket(agentId);
    this.core.disconnect(agentId, 'socket closed');
  }

  /**
   * Lets go of the agent a refused socket speaks for: said disconnected when something was said
   * of it, forgotten when nothing was (it spoke only before describing itself, on this token).
   */
  private release(peer: WsPeer, why: string): void {
    const agentId = peer.agentId;
    peer.agentId = null;
    if (agentId === null || this.core.agents.socket(agentId) !== peer) return;
    this.core.agents.unbindSocket(agentId);
    if (this.core.agents.get(agentId)?.saidState === null) this.core.agents.forget(agentId);
    else this.core.disconnect(agentId, why);
  }

  private track(peer: WsPeer, pending: Promise<void>): void {
    const settled = pending.catch((error: unknown) => this.core.deps.logger.error({ err: String(error), agentId: peer.agentId }, 'WebSocket message failed'));
    peer.queue = settled;
    void settled.then(() => {
      if (peer.queue === settled) peer.queue = null;
    });
  }

  /** Handles now, or after reading `agent-desired` when the message opens a connection. */
  private message(peer: WsPeer, message: AgentToServer, agentId: string | null, stillOld: boolean, folded: number): Promise<void> | undefined {
    if (agentId !== null && peer.agentId !== agentId && !peer.closed) {
      return this.core.whileOpening(
        agentId,
        this.core.deps.configs.desiredOnConnect(agentId).then((desired) => this.handle(peer, message, { claimedId: agentId, newConnection: true, desired, stillOld, folded })),
      );
    }
    this.handle(peer, message, { claimedId: agentId, newConnection: peer.agentId !== agentId, desired: undefined, stillOld, folded });
    return undefined;
  }

  private handle(peer: WsPeer, message: AgentToServer, how: HowHandled): void {
    const { claimedId, newConnection, desired, stillOld, folded } = how;
    const { core } = this;
    const { agents } = core;
    const reassignTo = stillOld ? peer.reassigned?.to : this.reassignmentFor(peer, claimedId, newConnection);
    const agentId = reassignTo ? (peer.reassigned?.toText ?? null) : claimedId;
    const context = core.context('websocket', newConnection, desired, peer.clientCertificate, peer.enrolment);
    const known = agentId === null ? undefined : agents.get(agentId);
    const record = known === undefined ? undefined : afterSupersededReports(known, folded);
    const outcome = handleAgentMessage(record, message, reassignTo ? { ...context, reassignTo } : context);
    if (outcome.kind === 'refused') {
      // Policy violation: the socket ends, and with it the agent's connection if it held one.
      core.refused('websocket', agentId, outcome);
      this.release(peer, outcome.reason);
      peer.close(1008, closeReason(outcome.reason));
      return;
    }
    if (outcome.kind === 'rejected') {
      core.deps.metrics.decodeErrors.inc({ transport: 'websocket', reason: 'bad_instance_uid' });
      core.deps.logger.debug({ reason: outcome.reason }, 'refused a message with a bad instance_uid');
      core.sendWs(peer, outcome.response, folded + 1);
      return;
    }
    const id = outcome.record.agentId;
    if (peer.agentId !== null && peer.agentId !== id && outcome.previousAgentId !== peer.agentId && agents.socket(peer.agentId) === peer) {
      // The socket now speaks for another uid: the agent it spoke for is gone.
      agents.unbindSocket(peer.agentId);
      core.disconnect(peer.agentId, 'socket switched instance_uid');
    }
    core.store(outcome);
    if (peer.closed) {
      // Sent just before its socket closed: what it said counts, but it cannot be answered,
      // and the agent is gone unless another connection holds it.
      core.afterReply(outcome);
      const holder = agents.socket(id);
      if (holder === undefined || holder === peer) {
        agents.unbindSocket(id);
        core.disconnect(id, 'socket closed');
      }
      return;
    }
    if (core.replaceConnection(id, peer)) peer.tookOverAt = core.deps.options.now();
    if (outcome.record.connected) {
      peer.agentId = id;
      agents.bindSocket(id, peer);
    } else {
      peer.agentId = null;
    }
    if (folded > 0) {
      // One write for the superseded reports' answers and the newer one's, not one each.
      peer.together(() => {
        core.acknowledge(peer, outcome.response, folded);
        core.sendWs(peer, outcome.response);
      });
    } else {
      core.sendWs(peer, outcome.response);
    }
    core.afterReply(outcome);
  }

  /**
   * The uid to give a socket's agent instead of the one it claims, when another live socket
   * holds that one and took it over moments ago: two agents share it (duplicate-claims.ts).
   */
  private reassignmentFor(peer: WsPeer, claimedId: string | null, newConnection: boolean): Uint8Array | undefined {
    if (claimedId === null || !newConnection || peer.closed) return undefined;
    const holder = this.core.agents.socket(claimedId);
    if (!holder || holder === peer || holder.closed) return undefined;
    if (answerSecondClaim(holder.tookOverAt, this.core.deps.options.now()) === 'replace') return undefined;
    const to = this.core.deps.newInstanceUid();
    peer.reassigned = { from: claimedId, to, toText: parseInstanceUid(to).text };
    this.core.deps.metrics.duplicateUids.inc();
    this.core.deps.logger.warn(
      { agentId: claimedId, newAgentId: peer.reassigned.toText },
      'instance_uid held by another live connection that just took it over: the newcomer is assigned a new uid',
    );
    return to;
  }
}

/** How a message is handled: who it claims to be, whether it opens a connection, and what came before it. */
interface HowHandled {
  readonly claimedId: string | null;
  readonly newConnection: boolean;
  /** Fresh from `agent-desired` when the message opens a connection. */
  readonly desired: DesiredEntry | undefined;
  /** It still carries the uid its socket's agent was moved off (WsPeer.reassigned). */
  readonly stillOld: boolean;
  /** Reports it superseded in the queue (superseded-reports.ts): each is answered before it. */
  readonly folded: number;
}

/** A WebSocket close reason is at most 123 bytes of UTF-8. */
export function closeReason(text: string): string {
  if (Buffer.byteLength(text) <= 123) return text;
  let cut = text.slice(0, 120);
  while (Buffer.byteLength(cut) > 120) cut = cut.slice(0, -1);
  return `${cut}...`;
}
