import type { ClientCertificate } from '@roost/contracts';
import type { DesiredEntry } from './agent-record';
import type { EnrolmentCredential } from './enrolment-check';
import type { AgentStore } from './agent-store';
import type { HttpOpampResult } from './http-endpoint';
import { HttpPolls } from './http-polls';
import { SessionCore, type AgentSessionsDeps } from './session-core';
import type { WsPeer, WsPeerHandler } from './websocket-transport';
import { WebSocketSessions } from './websocket-sessions';

export type { AgentSessionsDeps } from './session-core';

/**
 * The gateway's one surface over its agents, whatever the transport (the shape of opamp-go's
 * server callbacks): WebSocket frames and closes (WebSocketSessions), HTTP polls (HttpPolls),
 * and what the rest of the gateway asks of them — disconnects, hand-overs, desired-config
 * changes — over one private agent store (SessionCore).
 */
export class AgentSessions implements WsPeerHandler {
  private readonly core: SessionCore;
  private readonly websocket: WebSocketSessions;
  private readonly http: HttpPolls;

  constructor(deps: AgentSessionsDeps) {
    this.core = new SessionCore(deps);
    this.websocket = new WebSocketSessions(this.core);
    this.http = new HttpPolls(this.core);
  }

  /** The agents known here (records, socket bindings, polling agents); read, or forget old records. */
  get agents(): AgentStore {
    return this.core.agents;
  }

  get connectedCount(): number {
    return this.core.agents.socketCount + this.core.agents.pollingCount;
  }

  /** The agents connected here now, WebSocket and HTTP. */
  connectedAgentIds(): string[] {
    return this.core.agents.connectedIds();
  }

  connectInFlight(agentId: string): Promise<unknown> | undefined {
    return this.core.connectInFlight(agentId);
  }

  admitsNewConnection(): boolean {
    return this.core.admitsNewConnection();
  }

  onFrame(peer: WsPeer, frame: Buffer, folded: number): void {
    this.websocket.onFrame(peer, frame, folded);
  }

  onClose(peer: WsPeer): void {
    this.websocket.onClose(peer);
  }

  onHttpBody(body: Buffer, clientCertificate: ClientCertificate | null = null, enrolment: EnrolmentCredential | null = null): Promise<HttpOpampResult> {
    return this.http.onBody(body, clientCertificate, enrolment);
  }

  /**
   * An enrolment token was revoked (or deleted): every connection that showed it, or a token
   * issued from it, ends: WebSockets are closed with 1008, HTTP agents are disconnected (their
   * next poll is refused with 401). Returns how many connections ended.
   */
  endConnectionsOf(tokenId: string, sockets: Iterable<WsPeer>): number {
    const uses = (enrolment: { readonly tokenId: string; readonly issuedFrom: string | null } | null): boolean => enrolment !== null && (enrolment.tokenId === tokenId || enrolment.issuedFrom === tokenId);
    let ended = 0;
    for (const peer of sockets) {
      if (peer.closed || !uses(peer.enrolment)) continue;
      peer.close(1008, `enrolment token ${tokenId} was revoked`);
      ended += 1;
    }
    for (const agentId of this.core.agents.pollingIds()) {
      if (!uses(this.core.agents.get(agentId)?.enrolment ?? null)) continue;
      this.core.disconnect(agentId, `enrolment token ${tokenId} was revoked`);
      ended += 1;
    }
    return ended;
  }

  disconnect(agentId: string, why: string): void {
    this.core.disconnect(agentId, why);
  }

  letGo(agentId: string, why: string): void {
    this.http.letGo(agentId, why);
  }

  holdHttpAgents(agentIds: readonly string[], silenceMs: number): string[] {
    return this.http.hold(agentIds, silenceMs);
  }

  reconcile(agentId: string, desired: DesiredEntry | undefined): void {
    this.core.reconcile(agentId, desired);
  }
}
