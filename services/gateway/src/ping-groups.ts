/**
 * Peers split into groups that take turns, one group per tick, so that a ping interval's pings
 * (and the pongs that come back) are spread over the interval instead of 10k sockets written
 * to, and 10k pongs read, in one sweep.
 * A peer joins the group with the fewest members; each group's turn comes once per round.
 */
export class PingGroups<T extends object> {
  private readonly groups: Set<T>[];
  private readonly groupOf = new WeakMap<T, Set<T>>();
  private turn = 0;

  constructor(count: number) {
    this.groups = Array.from({ length: Math.max(1, Math.floor(count)) }, () => new Set<T>());
  }

  get size(): number {
    return this.groups.length;
  }

  add(peer: T): void {
    let smallest = this.groups[0] as Set<T>;
    for (const group of this.groups) if (group.size < smallest.size) smallest = group;
    smallest.add(peer);
    this.groupOf.set(peer, smallest);
  }

  delete(peer: T): void {
    this.groupOf.get(peer)?.delete(peer);
    this.groupOf.delete(peer);
  }

  /** The members of the group whose turn it is (a copy), and the turn moves on. */
  nextTurn(): T[] {
    const group = this.groups[this.turn] as Set<T>;
    this.turn = (this.turn + 1) % this.groups.length;
    return [...group];
  }
}

/** Groups for a ping interval: one tick per 100 ms of it at least, at most 30 ticks. */
export function pingGroupCount(pingIntervalMs: number): number {
  return Math.max(1, Math.min(30, Math.floor(pingIntervalMs / 100)));
}
