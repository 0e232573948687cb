import type { AgentRecord } from './agent-record';
import type { WsPeer } from './websocket-transport';

/**
 * The agents this gateway knows, private to the sessions: each one's record (kept a while after
 * it disconnects), the socket a WebSocket agent is bound to, and the agents polling over HTTP.
 */
export class AgentStore {
  private readonly records = new Map<string, AgentRecord>();
  private readonly sockets = new Map<string, WsPeer>();
  private readonly polling = new Set<string>();

  get(agentId: string): AgentRecord | undefined {
    return this.records.get(agentId);
  }

  set(record: AgentRecord): void {
    this.records.set(record.agentId, record);
  }

  /** Forgets the agent entirely: record, socket binding and polling. */
  forget(agentId: string): void {
    this.records.delete(agentId);
    this.sockets.delete(agentId);
    this.polling.delete(agentId);
  }

  /** Forgets the records of agents disconnected since before `cutoff`; how many. */
  forgetDisconnectedBefore(cutoff: number): number {
    let forgotten = 0;
    for (const [agentId, record] of this.records) {
      if (record.connected || record.lastSeenAt >= cutoff) continue;
      this.records.delete(agentId);
      forgotten++;
    }
    return forgotten;
  }

  socket(agentId: string): WsPeer | undefined {
    return this.sockets.get(agentId);
  }

  bindSocket(agentId: string, peer: WsPeer): void {
    this.sockets.set(agentId, peer);
  }

  unbindSocket(agentId: string): void {
    this.sockets.delete(agentId);
  }

  isPolling(agentId: string): boolean {
    return this.polling.has(agentId);
  }

  /** Whether the agent polls here over HTTP now. */
  setPolling(agentId: string, polling: boolean): void {
    if (polling) this.polling.add(agentId);
    else this.polling.delete(agentId);
  }

  pollingIds(): string[] {
    return [...this.polling];
  }

  /** The agents connected here now, WebSocket and HTTP. */
  connectedIds(): string[] {
    return [...this.sockets.keys(), ...this.polling];
  }

  get socketCount(): number {
    return this.sockets.size;
  }

  get pollingCount(): number {
    return this.polling.size;
  }

  get recordCount(): number {
    return this.records.size;
  }
}
