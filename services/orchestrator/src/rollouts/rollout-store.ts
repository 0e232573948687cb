import { STREAMS, subjects } from '@roost/contracts';
import { ConcurrencyConflictError, type EventStore, type Logger, type StoredEvent } from '@roost/ports';
import { replay, type RolloutEvent, type RolloutState } from '@roost/rollout';
import { OrchestratorError } from '../orchestrator-error';
import { decodeRolloutEvent, encodeRolloutEvent } from './rollout-event-codec';

/** A rollout as stored: its state and the stream sequence of its last event (0 when none). */
export interface RolloutHistory {
  readonly state: RolloutState | null;
  readonly lastSequence: number;
}

/** The config each agent was last assigned by any rollout event (targeted, or reverted to). */
export type DesiredLedger = Map<string, { readonly configHash: string; readonly rolloutId: string }>;

/** Publishes in flight per round trip when appending a long decision. */
const APPEND_WINDOW = 1_024;
const PREFIX = 'rollout.events.';

/**
 * The rollout event store on ROLLOUT_EVENTS: one subject per rollout, each event appended with
 * the expected last subject sequence (optimistic concurrency) and its deterministic id as the
 * message id (dedup). Appends are serialized in this process and fenced by leadership.
 */
export class RolloutStore {
  private queue: Promise<unknown> = Promise.resolve();
  /** Last stream sequence this process knows of; null when it must be asked for. */
  private streamLast: number | null = null;

  constructor(
    private readonly events: EventStore,
    private readonly canWrite: () => boolean,
    private readonly logger: Logger,
  ) {}

  async load(rolloutId: string): Promise<RolloutHistory> {
    const stored = await this.events.read(subjects.rolloutEvents(rolloutId));
    return historyOf(rolloutId, stored);
  }

  /** Every rollout, plus the desired-config ledger its events imply, read in one pass. */
  async loadAll(): Promise<{ histories: Map<string, RolloutHistory>; ledger: DesiredLedger }> {
    const stored = await this.events.read(subjects.rolloutEventsAll);
    const bySubject = new Map<string, StoredEvent[]>();
    const ledger: DesiredLedger = new Map();
    for (const event of stored) {
      let list = bySubject.get(event.subject);
      if (list === undefined) bySubject.set(event.subject, (list = []));
      list.push(event);
    }
    const histories = new Map<string, RolloutHistory>();
    for (const [subject, events] of bySubject) {
      const rolloutId = subject.slice(PREFIX.length);
      try {
        histories.set(rolloutId, historyOf(rolloutId, events));
      } catch (error) {
        this.logger.error({ rolloutId, err: String(error) }, 'rollout history cannot be replayed; this rollout is not run — inspect its subject in ROLLOUT_EVENTS');
      }
    }
    // Ledger in stream order, so the latest assignment of an agent wins across rollouts.
    for (const event of stored) {
      if (!histories.has(event.subject.slice(PREFIX.length))) continue;
      const decoded = decodeRolloutEvent(event.data);
      if (decoded.type === 'AgentTargeted') ledger.set(decoded.agentId, { configHash: decoded.configHash, rolloutId: decoded.rolloutId });
      if (decoded.type === 'AgentReverted' && decoded.source !== 'kept_new') ledger.set(decoded.agentId, { configHash: decoded.configHash, rolloutId: decoded.rolloutId });
    }
    this.streamLast = stored.length > 0 ? (stored[stored.length - 1]?.sequence ?? null) : null;
    return { histories, ledger };
  }

  /**
   * Appends a decision's events in order and resolves with the last one's stream sequence.
   * Events go out pipelined: the first carries the known last subject sequence, each next one
   * the sequence its predecessor is predicted to get (this process is the only writer), so a
   * write by anyone else still breaks the chain. `onStored(n)` reports that the first n events
   * are stored. Rejects with ConcurrencyConflictError when the history moved on (reload and
   * decide again) and with `orchestrator.not_leader` when leadership is not certain.
   */
  append(rolloutId: string, events: readonly RolloutEvent[], expectedLastSequence: number, onStored?: (count: number) => void): Promise<number> {
    const run = this.queue.then(() => this.appendNow(rolloutId, events, expectedLastSequence, onStored));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async appendNow(rolloutId: string, events: readonly RolloutEvent[], expectedLastSequence: number, onStored?: (count: number) => void): Promise<number> {
    const subject = subjects.rolloutEvents(rolloutId);
    let last = expectedLastSequence;
    let index = 0;
    while (index < events.length) {
      if (!this.canWrite()) throw new OrchestratorError('orchestrator.not_leader', 'this orchestrator is not (or no longer surely) the leader; the command was not applied — retry, the leader answers');
      this.streamLast ??= await this.events.lastSequence(STREAMS.rolloutEvents.name);
      const base = this.streamLast;
      const window = events.slice(index, index + APPEND_WINDOW);
      const results = await Promise.allSettled(
        window.map((event, k) => this.events.append(subject, encodeRolloutEvent(event), { expectedLastSubjectSequence: k === 0 ? last : base + k, messageId: event.id })),
      );
      let stored = 0;
      for (const result of results) {
        if (result.status === 'rejected' || result.value.duplicate) break;
        last = result.value.sequence;
        this.streamLast = Math.max(this.streamLast ?? 0, last);
        stored += 1;
      }
      if (results.slice(stored + 1).some((result) => result.status === 'fulfilled')) {
        this.logger.error({ rolloutId, from: events[index + stored]?.id }, 'an event was stored after one that failed; the rollout will be reloaded from its history');
      }
      index += stored;
      if (stored > 0) onStored?.(index);
      if (stored === window.length) continue;
      const failed = results[stored];
      this.streamLast = null;
      if (failed?.status === 'fulfilled') throw new ConcurrencyConflictError(subject, last); // its id was taken: someone stored that position
      // A broken predicted chain after stored events is no conflict: go on from the real sequence.
      if (stored > 0 && failed?.reason instanceof ConcurrencyConflictError) continue;
      throw failed?.reason;
    }
    return last;
  }
}

function historyOf(rolloutId: string, stored: readonly StoredEvent[]): RolloutHistory {
  const events = stored.map((event) => decodeRolloutEvent(event.data));
  events.forEach((event, index) => {
    const expected = `${rolloutId}/${index + 1}`;
    if (event.id !== expected) throw new Error(`event at sequence ${stored[index]?.sequence} has id ${event.id}, expected ${expected}: the history has a gap or a foreign event`);
  });
  return { state: replay(events), lastSequence: stored[stored.length - 1]?.sequence ?? 0 };
}
