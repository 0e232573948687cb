import type { GatewayPresence } from '@roost/contracts';

interface GatewayRecord {
  /** Local time (this process's clock) the gateway was last seen alive. */
  lastSeenAt: number;
  /** The KV revision of the presence entry last seen (0: none). */
  revision: number;
  /** The gateway's own start time, from its presence entry (0 until one is seen). */
  startedAt: number;
  gone: boolean;
}

/**
 * Which gateways are alive, judged on this process's clock so gateway clock skew does not
 * matter: a gateway is alive while it refreshes its presence entry; one silent for `timeoutMs`,
 * or whose entry was deleted, is gone. A gateway first met in a fleet event (before its presence
 * entry) gets the same grace, so a racing start does not disconnect its agents.
 *
 * An agent's snapshot says connected only while its gateway is alive and the snapshot is from
 * the gateway's current run (a restarted gateway has lost its connections).
 */
export class GatewayLiveness {
  private readonly gateways = new Map<string, GatewayRecord>();

  constructor(
    private readonly timeoutMs: number,
    private readonly now: () => number,
  ) {}

  /** A presence entry was written (at KV `revision`). Returns true when a gone gateway came back. */
  refreshed(presence: GatewayPresence, revision = 0): boolean {
    const record = this.gateways.get(presence.gatewayId);
    const revived = record?.gone === true;
    this.gateways.set(presence.gatewayId, { lastSeenAt: this.now(), revision, startedAt: presence.startedAt, gone: false });
    return revived;
  }

  /** The KV revision of the gateway's presence entry last seen (0: none). */
  revisionOf(gatewayId: string): number {
    return this.gateways.get(gatewayId)?.revision ?? 0;
  }

  /** The presence entry was deleted (the gateway stopped). Returns true when it was alive. */
  removed(gatewayId: string): boolean {
    const record = this.gateways.get(gatewayId);
    if (record === undefined) {
      this.gateways.set(gatewayId, { lastSeenAt: this.now(), revision: 0, startedAt: 0, gone: true });
      return false;
    }
    const wasAlive = !record.gone;
    record.gone = true;
    return wasAlive;
  }

  /**
   * Called for every fleet event: remembers gateways met before their presence entry, as last
   * seen when the event happened — so a gateway known only from old events (replayed on start)
   * is judged gone at the first sweep, while one that just started gets its grace.
   */
  referenced(gatewayId: string, eventAt: number): void {
    if (!this.gateways.has(gatewayId)) this.gateways.set(gatewayId, { lastSeenAt: Math.min(this.now(), eventAt), revision: 0, startedAt: 0, gone: false });
  }

  /** Gateways alive so far but silent for longer than the timeout (not marked). */
  silent(): string[] {
    return [...this.gateways.keys()].filter((gatewayId) => this.isSilent(gatewayId));
  }

  /** Alive so far, but silent for longer than the timeout. */
  isSilent(gatewayId: string): boolean {
    const record = this.gateways.get(gatewayId);
    return record !== undefined && !record.gone && this.now() - record.lastSeenAt > this.timeoutMs;
  }

  /** Marks a gateway gone; true when it was alive. */
  expire(gatewayId: string): boolean {
    const record = this.gateways.get(gatewayId);
    if (record === undefined || record.gone) return false;
    record.gone = true;
    return true;
  }

  /** Marks silent gateways gone and returns their ids. */
  sweep(): string[] {
    return this.silent().filter((gatewayId) => this.expire(gatewayId));
  }

  /** Whether a snapshot taken by this gateway at `snapshotAt` (gateway clock) can still be live. */
  holds(gatewayId: string, snapshotAt: number): boolean {
    const record = this.gateways.get(gatewayId);
    return record !== undefined && !record.gone && snapshotAt >= record.startedAt;
  }

  isGone(gatewayId: string): boolean {
    return this.gateways.get(gatewayId)?.gone === true;
  }
}
