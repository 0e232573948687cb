import fc from 'fast-check';
import type { AgentRecord } from './agent-record';
import { draftCandidates, draftPut, draftTable, earliestDeadline, emptyTable, sealTable, type AgentTable, type DeadlineOf } from './agent-table';

/** Only the id matters to the table; a record's deadline is read from `deadline` by the test's DeadlineOf. */
type Fake = AgentRecord & { readonly deadline: number | null };
const record = (agentId: string, deadline: number | null): Fake => ({ agentId, deadline }) as unknown as Fake;
const deadlineOf: DeadlineOf = (agent) => (agent as Fake).deadline;

/** The earliest deadline of every bucket, recomputed from the records. */
function recomputed(table: AgentTable): number[] {
  return table.buckets.map((bucket) => Math.min(Infinity, ...[...bucket.values()].map((agent) => deadlineOf(agent) ?? Infinity)));
}

/** How many agents of each bucket have its earliest deadline, recomputed. */
function recomputedCounts(table: AgentTable): number[] {
  const earliest = recomputed(table);
  return table.buckets.map((bucket, index) => (earliest[index] === Infinity ? 0 : [...bucket.values()].filter((agent) => deadlineOf(agent) === earliest[index]).length));
}

/** 1,000 agents: about four to a bucket, deadlines among 101 values, so a put often replaces the agent holding its bucket's earliest deadline. */
const AGENTS = 1_000;
const put = fc.record({ agent: fc.integer({ min: 0, max: AGENTS - 1 }), deadline: fc.option(fc.integer({ min: 0, max: 100 })) });
/** Decisions after one that puts every agent: each a list of puts, sealed after it. */
const decisions = fc.array(fc.array(put, { maxLength: 300 }), { maxLength: 8 });

/** A table holding every agent, with deadlines from `seed`. */
function fullTable(seed: number): AgentTable {
  const draft = draftTable(emptyTable(), deadlineOf);
  for (let i = 0; i < AGENTS; i += 1) draftPut(draft, record(`agent-${i}`, (i * 7919 + seed) % 101 === 0 ? null : (i * 7919 + seed) % 101));
  return sealTable(draft);
}

describe('agent table', () => {
  it('keeps each bucket’s earliest deadline exact across decisions, whatever is put and replaced', () => {
    fc.assert(
      fc.property(fc.nat(), decisions, (seed, batches) => {
        let table = fullTable(seed);
        for (const batch of batches) {
          const draft = draftTable(table, deadlineOf);
          for (const { agent, deadline } of batch) draftPut(draft, record(`agent-${agent}`, deadline));
          table = sealTable(draft);
          expect(table.deadlines).toEqual(recomputed(table));
          expect(table.atDeadline).toEqual(recomputedCounts(table));
        }
        const all = recomputed(table).filter((deadline) => deadline !== Infinity);
        expect(earliestDeadline(table)).toBe(all.length === 0 ? null : Math.min(...all));
      }),
    );
  });

  it('names as candidates every agent past its deadline, before the draft is sealed', () => {
    fc.assert(
      fc.property(fc.nat(), decisions, fc.array(put, { maxLength: 300 }), fc.integer({ min: 0, max: 100 }), (seed, before, batch, now) => {
        let table = fullTable(seed);
        for (const puts of before) {
          const draft = draftTable(table, deadlineOf);
          for (const { agent, deadline } of puts) draftPut(draft, record(`agent-${agent}`, deadline));
          table = sealTable(draft);
        }
        const draft = draftTable(table, deadlineOf);
        for (const { agent, deadline } of batch) draftPut(draft, record(`agent-${agent}`, deadline));
        const candidates = new Set(draftCandidates(draft, now).map((agent) => agent.agentId));
        const due = sealTable(draft).buckets.flatMap((bucket) => [...bucket.values()]).filter((agent) => (deadlineOf(agent) ?? Infinity) <= now);
        for (const agent of due) expect(candidates.has(agent.agentId)).toBe(true);
      }),
    );
  });

  it('does not change a sealed table when its draft goes on changing', () => {
    const draft = draftTable(emptyTable(), deadlineOf);
    draftPut(draft, record('a', 5));
    const sealed = sealTable(draft);
    draftPut(draft, record('a', 50));
    draftPut(draft, record('b', 1));
    expect(sealed.size).toBe(1);
    expect(earliestDeadline(sealed)).toBe(5);
    expect(earliestDeadline(sealTable(draft))).toBe(1);
  });
});
