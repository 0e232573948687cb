import { decide, rolloutAgents, summarize, undoStart, type RolloutEvent } from '@roost/rollout';
import { FULL_CAPABILITIES, type SimulationResult } from '@roost/rollout/testing';
import { FragmentCache } from './fragments';
import { projectBatch, batchReads } from './project-batch';
import { projectRolloutEvent, rolloutEventReads } from './rollout-projection';
import { failureGroupsFromHash, originalStatus, phaseFromHash, rolloutStatusFromHash } from './rollout-status-view';
import { rolloutProjection } from './stream-projections';
import { simulateOriginal, targetedIds } from './testing/simulated-rollouts';
import { ViewModel } from './testing/view-model';
import { fleetKeys, rolloutKeys, rolloutListKeys } from './view-keys';
import type { AgentOutcome } from './agent-outcome';

function projectOneByOne(events: readonly RolloutEvent[], model = new ViewModel()): ViewModel {
  for (const event of events) {
    rolloutEventReads(event); // the reads are a function of the event alone
    model.apply(projectRolloutEvent(event, model));
  }
  return model;
}

function statusOf(model: ViewModel, rolloutId: string) {
  const view = rolloutStatusFromHash(model.hgetall(rolloutKeys.status(rolloutId)));
  if (view === null) throw new Error(`no status for ${rolloutId}`);
  return view;
}

function expectCountsOfEngine(model: ViewModel, result: SimulationResult): void {
  const engine = summarize(result.state!);
  const view = statusOf(model, engine.rolloutId);
  expect({
    status: view.status,
    members: view.members,
    targeted: view.targeted,
    applied: view.counts.applied,
    failed: view.counts.failed,
    pending: view.counts.pending,
    reverted: view.counts.reverted,
    released: view.counts.released,
    disconnected: view.counts.disconnected,
    excluded: view.counts.excluded + view.counts.left,
    skipped: view.counts.skipped,
  }).toEqual({
    status: engine.status,
    members: engine.members,
    targeted: engine.targeted,
    applied: engine.applied,
    failed: engine.failed,
    pending: engine.pending,
    reverted: engine.reverted,
    released: engine.released,
    disconnected: engine.disconnected,
    excluded: engine.excluded,
    skipped: engine.skipped,
  });
}

describe('rollout views after a full rollout of the original scenario', () => {
  const result = simulateOriginal();
  const model = projectOneByOne(result.events);
  const view = statusOf(model, 'orig');

  it('counts every agent as the rollout engine does', () => expectCountsOfEngine(model, result));

  it('keeps the original status fields', () => {
    expect(originalStatus(view)).toEqual({
      id: 'orig',
      group: 'production',
      current_phase: 'full',
      started_at: new Date(1_700_000_000_000).toISOString(),
      updated_agents: 100,
      total_agents: 100,
      status: 'completed',
    });
  });

  it('records each phase with its window, counts and gate', () => {
    const phases = [0, 1, 2, 3].map((n) => phaseFromHash(model.hgetall(rolloutKeys.phase('orig', n)))!);
    expect(phases.map((p) => [p.name, p.size, p.windowMs, p.state, p.targeted, p.applied])).toEqual([
      ['canary', '2%', 300_000, 'passed', 2, 2],
      ['early-adopters', '10%', 300_000, 'passed', 8, 8],
      ['majority', '50%', 180_000, 'passed', 40, 40],
      ['full', '100%', 0, 'passed', 50, 50],
    ]);
    expect(phases[1]!.startedAt).toBe(1_700_000_000_000 + 300_000);
    expect(phases[1]!.windowEndsAt).toBe(1_700_000_000_000 + 600_000);
    expect(phases[1]!.gate).toMatchObject({ population: 10, applied: 10, failed: 0 });
  });

  it('sets the desired config of every agent, each targeted once, in the fleet view', () => {
    const desired = model.hgetall(fleetKeys.desired);
    expect(Object.keys(desired)).toHaveLength(100);
    expect(new Set(Object.values(desired).map((value) => JSON.parse(value).setBy))).toEqual(new Set(['AgentsTargeted']));
    expect(JSON.parse(desired['agent-007']!)).toMatchObject({ configHash: 'cfg-v2', rolloutId: 'orig' });
  });

  it('lists the rollout by time, by group and under its final status only', () => {
    expect(model.zrange(rolloutListKeys.all)).toEqual([{ member: 'orig', score: 1_700_000_000_000 }]);
    expect(model.zrange(rolloutListKeys.byGroup('production')).map((m) => m.member)).toEqual(['orig']);
    expect(model.zrange(rolloutListKeys.byStatus('completed')).map((m) => m.member)).toEqual(['orig']);
    for (const status of ['pending', 'in_progress', 'paused']) expect(model.zrange(rolloutListKeys.byStatus(status))).toEqual([]);
  });

  it("lists the rollout among each member's rollouts, once, from when it joined", () => {
    expect(model.zrange(fleetKeys.agentRollouts('agent-007'))).toEqual([{ member: 'orig', score: 1_700_000_000_000 }]);
    expect(model.zrange(fleetKeys.agentRollouts('agent-099')).map((m) => m.member)).toEqual(['orig']);
  });

  it("lists a second rollout beside the first in an agent's rollouts", () => {
    const second = simulateOriginal({ rolloutId: 'orig-2', startAt: 1_800_000_000_000 });
    const both = projectOneByOne(second.events, projectOneByOne(result.events));
    expect(both.zrange(fleetKeys.agentRollouts('agent-007'))).toEqual([
      { member: 'orig', score: 1_700_000_000_000 },
      { member: 'orig-2', score: 1_800_000_000_000 },
    ]);
  });

  it('timestamps every transition in order', () => {
    const transitions = model.zrange(rolloutKeys.transitions('orig')).map((m) => JSON.parse(m.member) as { type: string; at: number });
    expect(transitions.map((t) => t.type)).toEqual([
      'RolloutStarted',
      ...[0, 1, 2, 3].flatMap(() => ['PhaseStarted', 'PhasePassed']),
      'RolloutCompleted',
    ]);
    expect(view.timestamps).toMatchObject({ started: 1_700_000_000_000, completed: 1_700_000_000_000 + 782_000, ended: 1_700_000_000_000 + 782_000 });
    expect(view.failureRatio).toBe(0);
  });
});

describe('rollout views after a rolled-back rollout', () => {
  const first = simulateOriginal();
  const failing = targetedIds(first, 10).slice(2, 4);
  const result = simulateOriginal({ failing });
  const model = projectOneByOne(result.events);
  const view = statusOf(model, 'orig');

  it('ends rolled_back with the failed phase, the reason and the ratio against the threshold', () => {
    expectCountsOfEngine(model, result);
    expect(view.status).toBe('rolled_back');
    expect(view.failedPhase).toBe(1);
    expect(view.failureReason).toBe('phase early-adopters failed: 2 of 10 agents failed (apply_failed 2), 1 allowed at threshold 10%');
    expect(view.failureRatio).toBeCloseTo(0.2);
    expect(view.allowedFailures).toBe(1);
    expect(view.failedBy).toEqual({ apply_failed: 2 });
    expect(phaseFromHash(model.hgetall(rolloutKeys.phase('orig', 1)))).toMatchObject({ state: 'failed', targeted: 8, failed: 2, failureReasons: { apply_failed: 2 } });
    expect(phaseFromHash(model.hgetall(rolloutKeys.phase('orig', 2)))).toMatchObject({ state: 'planned', targeted: 0 });
  });

  it('shows where each agent ended: failed or sent back, none pending, and how each revert went', () => {
    expect(view.counts).toMatchObject({ pending: 0, applied: 0, disconnected: 0, failed: 2, reverted: 8 });
    const reverted = model.zrange(rolloutKeys.agentsInState('orig', 'reverted')).map((m) => m.member);
    expect(reverted).toHaveLength(8);
    const status = model.hgetall(rolloutKeys.status('orig'));
    expect([status['reverts.applied'], status['reverts.open'] ?? '0', status['reverts.failed'] ?? '0']).toEqual(['10', '0', '0']);
  });

  it('shows a phase the rollout ended in as stopped, never "observing"', () => {
    const running = { index: '1', name: 'early-adopters', state: 'running', window_ends_at: '999999', started_at: '1' };
    expect(phaseFromHash(running, null)).toMatchObject({ state: 'running', endedAt: null });
    expect(phaseFromHash(running, 500)).toMatchObject({ state: 'stopped', endedAt: 500 });
    expect(phaseFromHash({ ...running, state: 'failed', ended_at: '400' }, 500)).toMatchObject({ state: 'failed', endedAt: 400 });
  });

  it('groups the failures by error message', () => {
    expect(failureGroupsFromHash(model.hgetall(rolloutKeys.failures('orig')))).toEqual([{ message: 'exporters::otlp: connection refused', agents: 2 }]);
  });

  it('records each failed agent with its error, hash, time and where it was sent back', () => {
    const failed = model.zrange(rolloutKeys.agentsInState('orig', 'failed')).map((m) => m.member).sort();
    expect(failed).toEqual([...failing].sort());
    const outcome = JSON.parse(model.read({ key: rolloutKeys.agents('orig'), field: failing[0]! })!) as AgentOutcome;
    expect(outcome).toMatchObject({
      state: 'failed',
      phase: 1,
      configHash: 'cfg-v2',
      error: 'exporters::otlp: connection refused',
      failure: { reason: 'apply_failed' },
      revert: { source: 'previous', configHash: outcome.previousConfigHash },
    });
    expect(outcome.stateSince).toBe(outcome.failure!.at);
  });

  it('sets every touched agent\'s desired config back to its own previous one', () => {
    const desired = model.hgetall(fleetKeys.desired);
    const touched = targetedIds(result, Infinity);
    expect(Object.keys(desired).sort()).toEqual([...touched].sort());
    for (const agentId of touched) {
      const previous = `cfg-v1-${Number(agentId.slice(-3)) % 3}`;
      expect(JSON.parse(desired[agentId]!)).toMatchObject({ configHash: previous, rolloutId: 'orig', setBy: 'AgentsReverted' });
    }
  });
});

describe('projecting in batches', () => {
  it('writes the same views as projecting one event at a time, whatever the batch size', () => {
    const first = simulateOriginal({ size: 60 });
    const result = simulateOriginal({ size: 60, failing: targetedIds(first, 6).slice(1, 3) });
    const expected = projectOneByOne(result.events);
    for (const size of [1, 7, 50, 10_000]) {
      const model = new ViewModel();
      for (let i = 0; i < result.events.length; i += size) {
        const batch = result.events.slice(i, i + size);
        const cache = new FragmentCache();
        for (const ref of cache.missing(batchReads(rolloutProjection, batch))) cache.fill(ref, model.read(ref));
        model.apply(projectBatch(rolloutProjection, batch, cache));
      }
      expect({ hashes: model.hashes, zsets: model.zsets }).toEqual({ hashes: expected.hashes, zsets: expected.zsets });
    }
  });
});

describe('a rollout whose members arrive in several AgentsEnrolled events', () => {
  it('enrols every chunk and counts like the engine', () => {
    const result = simulateOriginal({ rolloutId: 'big', size: 1100 });
    expect(result.events.filter((e) => e.type === 'AgentsEnrolled')).toHaveLength(3);
    const model = projectOneByOne(result.events);
    expectCountsOfEngine(model, result);
    expect(statusOf(model, 'big')).toMatchObject({ matched: 1100, eligible: 1100, members: 1100 });
    expect(model.zrange(rolloutKeys.agentIndex('big'))).toHaveLength(1100);
  });
});

describe('rollout views of an undo', () => {
  const undone = simulateOriginal({ size: 30 });
  const agentIds = rolloutAgents(undone.state!).map((agent) => agent.agentId);
  const fleet = agentIds.map((agentId) => ({ agentId, connected: true, capabilities: FULL_CAPABILITIES, identifying: { 'service.environment': 'production' }, nonIdentifying: {} }));
  const start = undoStart(undone.state!, {
    rolloutId: 'undo-1',
    fast: true,
    fleet,
    previousConfigHashes: Object.fromEntries(agentIds.map((agentId) => [agentId, 'cfg-v2'])),
    desiredBy: Object.fromEntries(agentIds.map((agentId) => [agentId, 'orig'])),
    lockedAgents: {},
    now: 1_800_000_000_000,
  });
  if (!start.ok) throw new Error(start.error.message);
  const decision = decide(null, start.value);
  if (!decision.ok) throw new Error(decision.error.message);
  const model = projectOneByOne(decision.events, projectOneByOne(undone.events));

  it('links the undo and the rollout it undoes, both ways', () => {
    expect(statusOf(model, 'undo-1')).toMatchObject({ undoOf: 'orig', undoneBy: null, members: 30, targeted: 30 });
    expect(statusOf(model, 'orig')).toMatchObject({ undoOf: null, undoneBy: 'undo-1', status: 'completed' });
  });

  it('shows each agent on its own config from before the undone rollout', () => {
    const outcomes = model.hgetall(rolloutKeys.agents('undo-1'));
    const before = new Map(rolloutAgents(undone.state!).map((agent) => [agent.agentId, agent.previousConfigHash]));
    for (const [agentId, json] of Object.entries(outcomes)) expect((JSON.parse(json) as AgentOutcome).configHash).toBe(before.get(agentId));
    expect(new Set(before.values())).toEqual(new Set(['cfg-v1-0', 'cfg-v1-1', 'cfg-v1-2']));
    expect(Object.keys(outcomes)).toHaveLength(30);
  });
});
