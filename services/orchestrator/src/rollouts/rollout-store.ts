import { subjects } from '@roost/contracts';
import { EVENT_SOURCES, publishedEventHeaders } from '@roost/event-catalog';
import { ConcurrencyConflictError, type EventStore, type Logger, type StoredEvent } from '@roost/ports';
import { decodeRolloutEvent, encodeRolloutEvent, eventAssignments, replay, RolloutEventDecodeError, type DesiredLedger, type RolloutEvent, type RolloutState } from '@roost/rollout';
import { OrchestratorError } from '../orchestrator-error';
import type { UnreadableRollout } from './unreadable-history';

/** A rollout as stored: its state and the stream sequence of its last event (0 when none). */
export interface RolloutHistory {
  readonly state: RolloutState | null;
  readonly lastSequence: number;
}

/** Leadership is re-checked every this many events of a long decision. */
const FENCE_EVERY = 256;
/** Progress is reported every this many stored events. */
const REPORT_EVERY = 256;
const PREFIX = 'rollout.events.';

/**
 * The rollout event store on ROLLOUT_EVENTS: one subject per rollout, each event appended with
 * the expected last subject sequence (optimistic concurrency) and its deterministic id as the
 * message id (dedup), fenced by leadership.
 */
export class RolloutStore {
  constructor(
    private readonly events: EventStore,
    private readonly canWrite: () => boolean,
    private readonly logger: Logger,
  ) {}

  async load(rolloutId: string): Promise<RolloutHistory> {
    const stored = await this.events.read(subjects.rolloutEvents(rolloutId));
    return historyOf(rolloutId, stored);
  }

  /**
   * Every rollout, plus the desired-config ledger its events imply, read in one pass; and the
   * rollouts whose history holds an event of a newer Roost (a type or schema version this one
   * does not know), which the caller must not lead over.
   */
  async loadAll(): Promise<{ histories: Map<string, RolloutHistory>; ledger: DesiredLedger; unreadable: UnreadableRollout[] }> {
    const stored = await this.events.read(subjects.rolloutEventsAll);
    const bySubject = new Map<string, StoredEvent[]>();
    const ledger: DesiredLedger = new Map();
    for (const event of stored) {
      let list = bySubject.get(event.subject);
      if (list === undefined) bySubject.set(event.subject, (list = []));
      list.push(event);
    }
    const histories = new Map<string, RolloutHistory>();
    const unreadable: UnreadableRollout[] = [];
    const decodedAt = new Map<number, RolloutEvent>();
    for (const [subject, events] of bySubject) {
      const rolloutId = subject.slice(PREFIX.length);
      try {
        const decoded = decodeHistory(rolloutId, events);
        histories.set(rolloutId, { state: replay(decoded), lastSequence: lastSequenceOf(events) });
        events.forEach(({ sequence }, index) => decodedAt.set(sequence, decoded[index] as RolloutEvent));
      } catch (error) {
        if (error instanceof UnreadableEventAt) unreadable.push({ rolloutId, ...error.at });
        else this.logger.error({ rolloutId, err: String(error) }, 'rollout history cannot be replayed; this rollout is not run — inspect its subject in ROLLOUT_EVENTS');
      }
    }
    // Ledger in stream order, so the latest assignment of an agent wins across rollouts.
    for (const { sequence } of stored) {
      const event = decodedAt.get(sequence);
      if (event === undefined) continue;
      for (const { agentId, configHash } of eventAssignments(event)) ledger.set(agentId, { configHash, rolloutId: event.rolloutId });
    }
    return { histories, ledger, unreadable };
  }

  /**
   * Appends a decision's events in order and resolves with the last one's stream sequence. Each
   * event carries the exact stream sequence of its predecessor on the subject (optimistic
   * concurrency) and its deterministic id (dedup), so no event can land after a missing one and
   * no position can be written twice. `onStored(n)` reports that the first n events are stored.
   * Rejects with ConcurrencyConflictError when the history moved on or a position was already
   * taken (reload and decide again), and with `orchestrator.not_leader` when leadership is not
   * certain.
   *
   * Events of one rollout go one at a time (a pipelined chain would have to predict sequences,
   * and one write by anyone else could then store an event after a failed one); different
   * rollouts append concurrently.
   */
  async append(rolloutId: string, events: readonly RolloutEvent[], expectedLastSequence: number, onStored?: (count: number) => void): Promise<number> {
    const subject = subjects.rolloutEvents(rolloutId);
    let last = expectedLastSequence;
    for (const [index, event] of events.entries()) {
      if (index % FENCE_EVERY === 0 && !this.canWrite()) {
        throw new OrchestratorError('orchestrator.not_leader', 'this orchestrator is not (or no longer surely) the leader; the command was not applied — retry, the leader answers');
      }
      const headers = publishedEventHeaders('rollout', event, EVENT_SOURCES.orchestrator);
      const result = await this.events.append(subject, encodeRolloutEvent(event), { expectedLastSubjectSequence: last, messageId: event.id, headers });
      // Its id was stored before: by an earlier attempt of ours or by another writer. Reload either way.
      if (result.duplicate) throw new ConcurrencyConflictError(subject, last);
      last = result.sequence;
      if ((index + 1) % REPORT_EVERY === 0 || index + 1 === events.length) onStored?.(index + 1);
    }
    return last;
  }
}

function historyOf(rolloutId: string, stored: readonly StoredEvent[]): RolloutHistory {
  return { state: replay(decodeHistory(rolloutId, stored)), lastSequence: lastSequenceOf(stored) };
}

/** An event of a newer Roost in a rollout's history, where it is. */
class UnreadableEventAt extends Error {
  constructor(readonly at: Omit<UnreadableRollout, 'rolloutId'>) {
    super(`event at sequence ${at.sequence}: ${at.eventType} (schema ${at.schemaVersion}) is of a newer Roost`);
  }
}

function decodeStored(event: StoredEvent): RolloutEvent {
  try {
    return decodeRolloutEvent(event.data);
  } catch (error) {
    if (!(error instanceof RolloutEventDecodeError) || error.reason === 'undecodable') throw error;
    throw new UnreadableEventAt({ sequence: event.sequence, reason: error.reason, eventType: error.eventType, schemaVersion: error.schemaVersion });
  }
}

/**
 * A rollout's stored events, decoded; throws when the history has a gap or a foreign event,
 * and UnreadableEventAt for an event of a newer Roost.
 */
function decodeHistory(rolloutId: string, stored: readonly StoredEvent[]): RolloutEvent[] {
  const events = stored.map(decodeStored);
  events.forEach((event, index) => {
    const expected = `${rolloutId}/${index + 1}`;
    if (event.id !== expected) throw new Error(`event at sequence ${stored[index]?.sequence} has id ${event.id}, expected ${expected}: the history has a gap or a foreign event`);
  });
  return events;
}

function lastSequenceOf(stored: readonly StoredEvent[]): number {
  return stored[stored.length - 1]?.sequence ?? 0;
}
