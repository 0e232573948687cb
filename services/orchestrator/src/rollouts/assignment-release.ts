import { eventAssignments, type DesiredConfigAssignment, type RolloutEvent } from '@roost/rollout';
import type { DesiredWriter } from './desired-writer';

/**
 * Starts desired-config writes as soon as the events that justify them are stored, instead of
 * after the whole decision: an assignment is justified by the last AgentsTargeted or
 * AgentsReverted naming its agent in the decision (or, failing that, by the decision's last event).
 * Whatever prefix of the decision ends up stored, every write made is one its stored events
 * call for, so a long phase start writes and nudges while it is still being appended.
 */
export class AssignmentRelease {
  private readonly pending: { readonly assignment: DesiredConfigAssignment; readonly after: number }[];
  private released = 0;
  private readonly writes: Promise<string[]>[] = [];

  constructor(
    private readonly rolloutId: string,
    events: readonly RolloutEvent[],
    assignments: readonly DesiredConfigAssignment[],
    private readonly writeDesired: DesiredWriter,
  ) {
    const justifiedBy = new Map<string, number>();
    events.forEach((event, index) => {
      for (const { agentId } of eventAssignments(event)) justifiedBy.set(agentId, index);
    });
    const last = events.length - 1;
    // Stable order by justifying event keeps a later assignment of an agent after an earlier one.
    this.pending = assignments.map((assignment) => ({ assignment, after: justifiedBy.get(assignment.agentId) ?? last })).sort((a, b) => a.after - b.after);
  }

  /** The first `count` events are stored: write what they justify. */
  stored(count: number): void {
    let end = this.released;
    while (end < this.pending.length && (this.pending[end]?.after ?? Infinity) < count) end += 1;
    if (end === this.released) return;
    const batch = this.pending.slice(this.released, end).map((entry) => entry.assignment);
    this.released = end;
    this.writes.push(this.writeDesired(this.rolloutId, batch));
  }

  /** Waits for every write started so far; resolves with the agents whose write failed. */
  async settled(): Promise<string[]> {
    return (await Promise.all(this.writes)).flat();
  }
}
