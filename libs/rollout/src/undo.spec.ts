import type { DesiredEntry } from './agent-truth';
import type { Decision } from './decision';
import type { StartRollout } from './inputs';
import { checkInvariants } from './invariants';
import { replay } from './evolve';
import { decodeRolloutEvent, encodeRolloutEvent } from './rollout-event-codec';
import type { RolloutState } from './state';
import { rolloutAgent, summarize } from './summary';
import {
  appliedAndHealthy,
  command,
  connected,
  effectsOf,
  fleetOf,
  health,
  id,
  MIN,
  NEW,
  ofType,
  RolloutScenario,
  startCommand,
  tick,
} from './testing/rollout-fixtures';
import { FAST_UNDO_PLAN, undoStart, type UndoRequest } from './undo';

const CFG_A = 'cfg-a';
const CFG_B = 'cfg-b';
const CFG_OTHER = 'cfg-other';

/** Ten agents, even ones on cfg-a and odd ones on cfg-b, rolled to cfg-new in two phases and completed. */
function completedRollout(): RolloutScenario {
  const fleet = fleetOf(10);
  const previousConfigHashes = Object.fromEntries(fleet.map((a, i) => [a.agentId, i % 2 === 0 ? CFG_A : CFG_B]));
  const scenario = RolloutScenario.given(startCommand({ fleet, previousConfigHashes, plan: [{ percent: 20, windowMs: MIN }, { percent: 100, windowMs: MIN }] }));
  appliedAndHealthy(scenario, scenario.targeted, 10);
  scenario.when(tick(MIN));
  appliedAndHealthy(scenario, scenario.targeted, MIN + 10);
  scenario.when(tick(2 * MIN + 10));
  expect(scenario.current.status).toBe('completed');
  return scenario;
}

/** What the fleet looks like after the undone rollout: every agent it completed on runs cfg-new, set by r1. */
function request(undone: RolloutState, overrides: Partial<UndoRequest> = {}): UndoRequest {
  const fleet = fleetOf(10);
  return {
    rolloutId: 'u1',
    fast: false,
    fleet,
    previousConfigHashes: Object.fromEntries(fleet.map((a) => [a.agentId, NEW])),
    desiredBy: Object.fromEntries(fleet.map((a) => [a.agentId, undone.settings.rolloutId])),
    lockedAgents: {},
    now: 10 * MIN,
    ...overrides,
  };
}

function undoOf(undone: RolloutState, overrides: Partial<UndoRequest> = {}): StartRollout {
  const start = undoStart(undone, request(undone, overrides));
  if (!start.ok) throw new Error(`${start.error.code}: ${start.error.message}`);
  return start.value;
}

/** The config each agent is assigned by a decision's SetDesiredConfig effects. */
function assigned(decision: Decision): Record<string, string | null> {
  const out: Record<string, string | null> = {};
  for (const effect of effectsOf(decision)) if (effect.type === 'SetDesiredConfig') for (const a of effect.assignments) out[a.agentId] = a.configHash;
  return out;
}

describe('undo of an ended rollout', () => {
  it('returns each agent to the config it ran before, through the same phases and gates', () => {
    const undone = completedRollout().current;
    const undo = RolloutScenario.given(undoOf(undone));
    const { settings } = undo.current;

    expect(undo.current.undoOf).toBe('r1');
    expect(ofType(undo.history, 'UndoStarted')).toEqual([expect.objectContaining({ id: 'u1/2', undoOf: 'r1' })]);
    expect(settings.plan).toEqual(undone.settings.plan);
    expect(settings.threshold).toBe(undone.settings.threshold);
    expect(summarize(undo.current)).toMatchObject({ members: 10, targeted: 2, skipped: 0 });
    for (const agentId of undo.targeted) expect(rolloutAgent(undo.current, agentId)).toMatchObject({ previousConfigHash: NEW, configHash: Number(agentId.slice(-3)) % 2 === 0 ? CFG_A : CFG_B });
  });

  it('keeps each member\'s own config and the link on the wire: its events decode to what was decided, and replay to the same state', () => {
    const undo = RolloutScenario.given(undoOf(completedRollout().current));
    const wire = undo.history.map((event) => decodeRolloutEvent(encodeRolloutEvent(event)));
    expect(wire).toEqual(undo.history);
    expect(replay(wire)).toEqual(undo.current);
  });

  it('targets agents from different configs with one event per config, and assigns each its own', () => {
    const undone = completedRollout().current;
    const first = new RolloutScenario().when(undoOf(undone, { fast: true }));

    expect(ofType(first, 'AgentsTargeted').map((event) => [event.configHash, event.agents.length]).sort()).toEqual([
      [CFG_A, 5],
      [CFG_B, 5],
    ]);
    const desired = assigned(first);
    expect(Object.keys(desired)).toHaveLength(10);
    for (const [agentId, configHash] of Object.entries(desired)) expect(configHash).toBe(Number(agentId.slice(-3)) % 2 === 0 ? CFG_A : CFG_B);
  });

  it('completes once every agent applied its own previous config (fast path: one phase, no window)', () => {
    const undone = completedRollout().current;
    const undo = RolloutScenario.given(undoOf(undone, { fast: true }));
    expect(undo.current.settings.plan).toEqual([{ name: 'undo', size: { kind: 'percent', percent: 100 }, windowMs: 0, requireApproval: false }]);
    expect(FAST_UNDO_PLAN).toHaveLength(1);

    for (const agentId of undo.targeted) {
      const own = rolloutAgent(undo.current, agentId)?.configHash ?? '';
      undo.when({ type: 'RemoteConfigStatusReported', agentId, hash: own, status: 'APPLIED', errorMessage: '', now: 11 * MIN });
      undo.when(health(agentId, true, 11 * MIN));
    }
    expect(undo.current.status).toBe('completed');
    expect(summarize(undo.current)).toMatchObject({ applied: 10, failed: 0 });
  });

  it('judges each agent on its own config: APPLIED for the undone config is not an outcome, FAILED for its own is', () => {
    const undone = completedRollout().current;
    const undo = RolloutScenario.given(undoOf(undone, { fast: true }));
    const [agentId] = undo.targeted;
    undo.when({ type: 'RemoteConfigStatusReported', agentId: agentId!, hash: NEW, status: 'APPLIED', errorMessage: '', now: 11 * MIN });
    expect(rolloutAgent(undo.current, agentId!)?.appliedAt).toBeNull();
    const own = rolloutAgent(undo.current, agentId!)?.configHash ?? '';
    undo.when({ type: 'RemoteConfigStatusReported', agentId: agentId!, hash: own, status: 'FAILED', errorMessage: 'port in use', now: 11 * MIN });
    expect(rolloutAgent(undo.current, agentId!)).toMatchObject({ appliedAt: null, failure: { reason: 'apply_failed', detail: 'port in use' } });
  });

  it('skips agents whose config changed since as superseded, and those already back as already_on_config', () => {
    const undone = completedRollout().current;
    const start = undoOf(undone, {
      previousConfigHashes: { ...request(undone).previousConfigHashes, [id(0)]: CFG_OTHER, [id(1)]: CFG_B },
      desiredBy: { ...request(undone).desiredBy, [id(2)]: 'r9' },
    });
    expect(start.undo?.agents[id(0)]).toEqual({ returnTo: CFG_A, skip: 'superseded' });
    expect(start.undo?.agents[id(1)]).toEqual({ returnTo: CFG_B, skip: 'already_on_config' });
    expect(start.undo?.agents[id(2)]).toEqual({ returnTo: CFG_A, skip: 'superseded' });

    const undo = RolloutScenario.given(start);
    expect(ofType(undo.history, 'RolloutStarted')[0]).toMatchObject({ matched: 10, eligible: 7, skipped: { superseded: 2, already_on_config: 1 } });
    expect(rolloutAgent(undo.current, id(0))?.skip).toEqual({ reason: 'superseded', lockedBy: null });
  });

  it('names the headline config: the one most of its agents go back to', () => {
    const undone = completedRollout().current;
    const start = undoOf(undone, { previousConfigHashes: { ...request(undone).previousConfigHashes, [id(0)]: CFG_A } });
    expect(start.configHash).toBe(CFG_B);
  });

  it('undoes only agents the rollout touched: waiting ones and newcomers are not part of it, and none joins later', () => {
    const fleet = fleetOf(100);
    const undoneScenario = RolloutScenario.given(startCommand({ fleet }));
    undoneScenario.when(command('AbortRollout', MIN));
    const canaries = undoneScenario.targeted;
    // Released to their previous config by the abort, but say the canaries run cfg-new (their release failed): something to undo.
    const previousConfigHashes = Object.fromEntries(fleet.map((a) => [a.agentId, canaries.includes(a.agentId) ? NEW : 'cfg-previous']));
    const desiredBy = Object.fromEntries(fleet.map((a) => [a.agentId, 'r1']));
    const undo = RolloutScenario.given(undoOf(undoneScenario.current, { fleet, previousConfigHashes, desiredBy }));

    expect(summarize(undo.current)).toMatchObject({ members: canaries.length, skipped: 0 });
    const newcomer = fleetOf(101)[100]!;
    expect(undo.when(connected(newcomer, 11 * MIN, NEW)).ok).toBe(true);
    expect(rolloutAgent(undo.current, newcomer.agentId)).toBeUndefined();
  });

  it('rolls an undo that fails back to the config the undone rollout had given', () => {
    const undone = completedRollout().current;
    const undo = RolloutScenario.given(undoOf(undone));
    const [canary] = undo.targeted;
    const decision = undo.when({ type: 'RemoteConfigStatusReported', agentId: canary!, hash: rolloutAgent(undo.current, canary!)?.configHash ?? '', status: 'FAILED', errorMessage: 'gone', now: 11 * MIN });
    expect(undo.current.status).toBe('rolled_back');
    expect(Object.values(assigned(decision))).toEqual(undo.targeted.map(() => NEW));
  });

  it('keeps every invariant: each agent-desired entry the undo writes is justified by it', () => {
    const undone = completedRollout();
    const desired = new Map<string, DesiredEntry>(fleetOf(10).map((a) => [a.agentId, { configHash: NEW, rolloutId: 'r1', setAt: 1 }]));
    const undo = new RolloutScenario();
    const write = (decision: Decision): void => {
      for (const [agentId, configHash] of Object.entries(assigned(decision))) desired.set(agentId, { configHash, rolloutId: 'u1', setAt: 2 });
    };
    write(undo.when(undoOf(undone.current)));
    const check = (): void =>
      expect(checkInvariants({ rollouts: new Map([['r1', undone.current], ['u1', undo.current]]), desired, reported: () => null })).toEqual([]);
    check();
    write(undo.when(command('AbortRollout', 11 * MIN, 'u1')));
    check();
  });

  it('is refused while the rollout is active, and when it touched no agent', () => {
    const scenario = RolloutScenario.given(startCommand({ fleet: fleetOf(100) }));
    expect(undoStart(scenario.current, request(scenario.current))).toEqual({ ok: false, error: expect.objectContaining({ code: 'undo.rollout_active' }) });

    // Started and enrolled, ended before its first phase targeted anyone.
    const untouched = replay(scenario.history.filter((event) => event.type === 'RolloutStarted' || event.type === 'AgentsEnrolled'));
    if (untouched === null) throw new Error('replayed a start');
    expect(undoStart({ ...untouched, status: 'aborted' }, request(untouched))).toEqual({ ok: false, error: expect.objectContaining({ code: 'undo.nothing_touched' }) });
  });

  it('is refused, naming why, when none of its agents can go back', () => {
    const undone = completedRollout().current;
    const everyoneBack = undoStart(undone, request(undone, { previousConfigHashes: Object.fromEntries(fleetOf(10).map((a, i) => [a.agentId, i % 2 === 0 ? CFG_A : CFG_B])) }));
    if (!everyoneBack.ok) throw new Error('an undo start is built while agents are known');
    const refused = new RolloutScenario().when(everyoneBack.value);
    expect(refused).toEqual({ ok: false, error: expect.objectContaining({ code: 'target.no_eligible_agents', message: 'nothing to undo in rollout r1: none of its 10 agents can go back now: 10 already run the config they ran before it' }) });
  });
});
