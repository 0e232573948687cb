import { decodeAgentToServer, type AgentToServer, type ServerToAgentInit } from '@roost/opamp';
import type { ClientCertificate } from '@roost/contracts';
import Long from 'long';
import type { AgentRecord } from './agent-record';
import { sameCertificate } from './client-certificate';
import type { EnrolmentCredential } from './enrolment-check';
import { handleAgentMessage } from './handle-agent-message';
import type { HttpOpampResult } from './http-endpoint';
import { encodeReply } from './reply-encoding';
import { uidTextOf, type SessionCore } from './session-core';

/**
 * Plain-HTTP agents: each poll is a request that may land on any gateway, so a poll after one
 * this gateway did not see reads `agent-desired` again before anything is offered; agents
 * another gateway heard from are let go, or held here when they still poll here.
 */
export class HttpPolls {
  // Label children resolved once: a labelled inc() per message would hash the labels each time.
  private readonly messagesIn;
  private readonly messagesOut;

  constructor(private readonly core: SessionCore) {
    this.messagesIn = core.deps.metrics.messagesIn.labels('http');
    this.messagesOut = core.deps.metrics.messagesOut.labels('http');
  }

  /**
   * `clientCertificate`: of the TLS connection the body came on; `enrolment`: the token the
   * request showed. Another one of either than the agent's last is a new connection.
   */
  async onBody(body: Buffer, clientCertificate: ClientCertificate | null, enrolment: EnrolmentCredential | null): Promise<HttpOpampResult> {
    const { core } = this;
    const { agents } = core;
    let message: AgentToServer;
    try {
      message = decodeAgentToServer(body, core.limit);
    } catch (error) {
      const reason = core.decodeFailed('http', error, null);
      return { kind: 'malformed', reason: `body is not an AgentToServer message (${reason})` };
    }
    this.messagesIn.inc();
    const agentId = uidTextOf(message);
    const known = agentId === null ? undefined : agents.get(agentId);
    const newConnection =
      !known || !known.connected || known.transport !== 'http' || !sameCertificate(known.clientCertificate, clientCertificate) || (known.enrolment?.tokenId ?? null) !== (enrolment?.tokenId ?? null);
    if (newConnection && !(known?.connected ?? false) && !core.admitsNewConnection()) return { kind: 'over_capacity' };
    // Polls of one agent may land on any gateway: after a poll this one did not see, a nudge
    // may have gone elsewhere too, so the desired entry is read again.
    const readDesired = agentId !== null && (newConnection || missedMessages(known, message));
    const desired = readDesired ? await core.whileOpening(agentId, core.deps.configs.desiredOnConnect(agentId)) : undefined;
    const record = (): AgentRecord | undefined => (agentId === null ? undefined : agents.get(agentId));
    let outcome = handleAgentMessage(record(), message, core.context('http', newConnection, desired, clientCertificate, enrolment));
    if (outcome.kind === 'handled' && outcome.response.remoteConfig && !readDesired) {
      // Nothing is offered from an entry this gateway may have missed the change of.
      const current = await core.deps.configs.desiredOnConnect(outcome.record.agentId);
      if (current !== undefined && (current.revision !== outcome.record.desiredRevision || current.hash !== outcome.record.desiredHash)) {
        outcome = handleAgentMessage(record(), message, core.context('http', newConnection, current, clientCertificate, enrolment));
      }
    }
    if (outcome.kind === 'refused') {
      core.refused('http', agentId, outcome);
      // An agent that polled only before describing itself, on this token, was never said: it is forgotten.
      const held = agentId === null ? undefined : agents.get(agentId);
      if (agentId !== null && held?.saidState === null && agents.socket(agentId) === undefined) {
        agents.setPolling(agentId, false);
        agents.forget(agentId);
      }
      return { kind: 'forbidden', reason: outcome.reason };
    }
    if (outcome.kind === 'rejected') {
      core.deps.metrics.decodeErrors.inc({ transport: 'http', reason: 'bad_instance_uid' });
      return this.reply(outcome.response, null);
    }
    const id = outcome.record.agentId;
    core.store(outcome);
    core.replaceConnection(id, null);
    agents.setPolling(id, outcome.record.connected);
    const result = this.reply(outcome.response, id);
    core.afterReply(outcome);
    return result;
  }

  /**
   * An HTTP agent another gateway heard from: it is that gateway's now. Not connected here any
   * more, and nothing said (a `disconnected` would be untrue); its record stays for its next poll.
   */
  letGo(agentId: string, why: string): void {
    const { agents } = this.core;
    const record = agents.get(agentId);
    agents.setPolling(agentId, false);
    if (!record?.connected) return;
    agents.set({ ...record, connected: false, announced: false, lastSeenAt: this.core.deps.options.now() });
    this.core.deps.logger.debug({ agentId, why }, 'HTTP agent polls another gateway: let go without a disconnect');
  }

  /**
   * Another gateway is about to let these HTTP agents go. Those that polled here within
   * `silenceMs` are held here: announced again (`connected`, once their state is verified) and
   * their desired entry read again (nudges went to the other gateway). Returns them.
   */
  hold(agentIds: readonly string[], silenceMs: number): string[] {
    const { core } = this;
    const now = core.deps.options.now();
    const held: string[] = [];
    for (const agentId of agentIds) {
      const record = core.agents.get(agentId);
      if (!record?.connected || record.transport !== 'http' || now - record.lastSeenAt > silenceMs) continue;
      core.agents.set({ ...record, announced: false });
      held.push(agentId);
      void core.deps.configs.desiredOnConnect(agentId).then((entry) => {
        if (entry !== undefined) core.reconcile(agentId, entry);
      });
    }
    return held;
  }

  private reply(response: ServerToAgentInit, agentId: string | null): HttpOpampResult {
    const bytes = this.core.encode(encodeReply, response, agentId);
    if (!bytes) return { kind: 'malformed', reason: 'the reply could not be encoded' };
    this.messagesOut.inc();
    return { kind: 'reply', body: bytes };
  }
}

/** This gateway did not see the message before this one (its sequence number is not the next). */
function missedMessages(known: AgentRecord | undefined, message: AgentToServer): boolean {
  return known === undefined || !Long.fromValue(message.sequenceNum ?? 0, true).equals(known.state.sequenceNum.add(1));
}
