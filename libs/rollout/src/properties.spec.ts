import fc from 'fast-check';
import { AGENT_CAPABILITY } from '@roost/fleet';
import { checkInvariants, cohortKey, cohortOrder, decide, decodeRolloutEvent, encodeRolloutEvent, heldAgents, isActive, replay, type PhaseSpec } from './index';
import { FULL_CAPABILITIES, simulateRollout, type AgentBehaviour, type ScheduledAction, type SimAgentSpec, type SimulationSpec } from './testing';
import { agent, startCommand, targetedIds, WITHOUT_REMOTE_CONFIG_STATUS } from './testing/rollout-fixtures';

const NEW = 'cfg-new';
const RUNS = Number(process.env['ROLLOUT_PROPERTY_RUNS'] ?? 150);

// ---- arbitraries ---------------------------------------------------------------------------

const behaviour: fc.Arbitrary<AgentBehaviour> = fc.oneof(
  { weight: 8, arbitrary: fc.constant<AgentBehaviour>({ kind: 'healthy' }) },
  fc.constant<AgentBehaviour>({ kind: 'fails_apply' }),
  fc.constant<AgentBehaviour>({ kind: 'unhealthy_after_apply' }),
  fc.constant<AgentBehaviour>({ kind: 'silent' }),
  fc.constant<AgentBehaviour>({ kind: 'self_rollback' }),
  fc
    .record({ afterMs: fc.integer({ min: 0, max: 200_000 }), reconnectAfterMs: fc.option(fc.integer({ min: 0, max: 200_000 }), { nil: undefined }) })
    .map((d): AgentBehaviour => (d.reconnectAfterMs === undefined ? { kind: 'disconnects', afterMs: d.afterMs } : { kind: 'disconnects', ...d })),
);

const simAgent = (index: number, dynamicFleet: boolean): fc.Arbitrary<SimAgentSpec> =>
  fc.record({
    behaviour: dynamicFleet ? behaviour : behaviour.filter((b) => b.kind !== 'disconnects'),
    applyDelayMs: fc.integer({ min: 0, max: 20_000 }),
    previous: fc.option(fc.constantFrom('cfg-a', 'cfg-b'), { nil: null, freq: 5 }),
    region: fc.constantFrom('eu', 'us', 'ap'),
    capabilities: fc.constantFrom(FULL_CAPABILITIES, FULL_CAPABILITIES, WITHOUT_REMOTE_CONFIG_STATUS, AGENT_CAPABILITY.AcceptsRemoteConfig | AGENT_CAPABILITY.ReportsRemoteConfig),
    joinAfterMs: dynamicFleet ? fc.option(fc.integer({ min: 0, max: 1_500_000 }), { nil: undefined, freq: 4 }) : fc.constant(undefined),
    disconnected: dynamicFleet ? fc.boolean() : fc.constant(false),
  }).map((a) => ({
    agentId: `agent-${index}`,
    behaviour: a.behaviour,
    applyDelayMs: a.applyDelayMs,
    previousConfigHash: a.previous,
    nonIdentifying: { 'cloud.region': a.region },
    capabilities: a.capabilities,
    ...(a.joinAfterMs === undefined ? {} : { joinAfterMs: a.joinAfterMs }),
    disconnected: a.disconnected && a.joinAfterMs === undefined && index % 5 === 0,
  }));

const plan: fc.Arbitrary<PhaseSpec[]> = fc
  .tuple(fc.uniqueArray(fc.integer({ min: 1, max: 99 }), { maxLength: 3 }), fc.array(fc.integer({ min: 0, max: 600_000 }), { minLength: 4, maxLength: 4 }), fc.boolean())
  .map(([percents, windows, byCount]) => {
    const sizes = [...percents].sort((a, b) => a - b);
    const head: PhaseSpec[] = sizes.map((value, i) => (byCount ? { count: value, windowMs: windows[i]! } : { percent: value, windowMs: windows[i]! }));
    return [...head, { percent: 100, windowMs: windows[3]! }];
  });

const operatorActions: fc.Arbitrary<ScheduledAction[]> = fc.array(
  fc.record({ afterMs: fc.integer({ min: 0, max: 2_000_000 }), action: fc.constantFrom('PauseRollout', 'ResumeRollout', 'PromoteRollout', 'AbortRollout', 'RollbackRollout') as fc.Arbitrary<ScheduledAction['action']> }),
  { maxLength: 3 },
);

function simulation(options: { dynamicFleet: boolean; operator: boolean; approvals: boolean }): fc.Arbitrary<SimulationSpec> {
  return fc
    .integer({ min: 1, max: 40 })
    .chain((size) =>
      fc.record({
        agents: fc.tuple(...Array.from({ length: size }, (_, i) => simAgent(i, options.dynamicFleet))),
        plan: options.approvals ? plan.map((p) => p.map((phase, i) => ({ ...phase, requireApproval: i === 0 }))) : plan,
        threshold: fc.constantFrom(0, 0.1, 0.25, 0.5, 1),
        policy: options.operator ? fc.constantFrom('rollback' as const, 'pause' as const) : fc.constant('rollback' as const),
        fallback: fc.constantFrom('baseline', 'keep-new', 'none'),
        stratifyBy: fc.constantFrom(null, 'cloud.region'),
        disconnectedPolicy: fc.constantFrom('fail' as const, 'exclude' as const),
        operator: options.operator ? operatorActions : fc.constant([]),
      }),
    )
    .map((d) => ({
      rollout: {
        rolloutId: 'r1',
        target: { kind: 'group', group: 'production' },
        configHash: NEW,
        plan: d.plan,
        threshold: d.threshold,
        policy: d.policy,
        stratifyBy: d.stratifyBy,
        disconnectedPolicy: d.disconnectedPolicy,
        timing: { applyTimeoutMs: 60_000, disconnectGraceMs: 30_000, healthGraceMs: 10_000 },
        ...(d.fallback === 'baseline' ? { baselineConfigHash: 'cfg-baseline' } : d.fallback === 'keep-new' ? { acceptKeepNewOnFailure: true } : {}),
      },
      agents: d.agents,
      operator: d.operator,
    }));
}

const anySimulation = simulation({ dynamicFleet: true, operator: true, approvals: false });

// ---- independent restatements of the rules -------------------------------------------------

function allowance(phase: PhaseSpec, members: number, strata: number): number {
  const base = phase.percent !== undefined ? Math.max(1, Math.ceil((phase.percent * members) / 100 - 1e-9)) : phase.count!;
  return Math.min(members, Math.max(base, strata));
}


// ---- properties ----------------------------------------------------------------------------

describe('rollout properties', () => {
  it('writes only events its published schemas accept: each decodes, checked field by field, to itself', () => {
    fc.assert(
      fc.property(anySimulation, (spec) => {
        const { events } = simulateRollout(spec);
        expect(events.map((event) => decodeRolloutEvent(encodeRolloutEvent(event)))).toEqual(events);
      }),
      { numRuns: RUNS },
    );
  });

  it('never has more agents targeted than the current phase allows', () => {
    fc.assert(
      fc.property(anySimulation, (spec) => {
        const { events } = simulateRollout(spec);
        const members = new Set<string>();
        const strata = new Map<string, number>();
        const live = new Set<string>();
        let phase: PhaseSpec | undefined;
        const enrol = (agentId: string, stratum: string | null): void => {
          members.add(agentId);
          if (stratum !== null) strata.set(stratum, (strata.get(stratum) ?? 0) + 1);
        };
        for (const event of events) {
          if (event.type === 'AgentsEnrolled') for (const a of event.agents) enrol(a.agentId, a.stratum);
          if (event.type === 'AgentJoined') enrol(event.agent.agentId, event.agent.stratum);
          if (event.type === 'PhaseStarted') phase = spec.rollout.plan![event.phase];
          if (event.type === 'AgentExcluded') live.delete(event.agentId);
          if (event.type === 'AgentsTargeted') {
            for (const { agentId } of event.agents) live.add(agentId);
            const stratumCount = spec.rollout.stratifyBy === null ? 0 : strata.size;
            expect(live.size).toBeLessThanOrEqual(allowance(phase!, members.size, stratumCount));
          }
        }
      }),
      { numRuns: RUNS },
    );
  });

  it('keeps cohorts sticky: each phase takes the next agents in cohort order and keeps every earlier one', () => {
    fc.assert(
      fc.property(simulation({ dynamicFleet: false, operator: false, approvals: false }), (spec) => {
        const { events } = simulateRollout(spec);
        const enrolled = events.flatMap((event) => (event.type === 'AgentsEnrolled' ? event.agents : []));
        const order = cohortOrder('r1', enrolled.map((a) => ({ agentId: a.agentId, cohortKey: cohortKey('r1', a.agentId), stratum: a.stratum })));
        const targeted = targetedIds(events);
        expect(new Set(targeted).size).toBe(targeted.length);
        expect(targeted).toEqual(order.slice(0, targeted.length));
      }),
      { numRuns: RUNS },
    );
  });

  it('leaves every touched agent on its own previous config after a rollback (else the baseline, else the new one as accepted)', () => {
    fc.assert(
      fc.property(anySimulation, (spec) => {
        const result = simulateRollout(spec);
        if (result.state?.status !== 'rolled_back') return;
        const touched = new Set(targetedIds(result.events));
        const previous = new Map(spec.agents.map((a) => [a.agentId, a.previousConfigHash ?? null]));
        const expected = (agentId: string): string => previous.get(agentId) ?? spec.rollout.baselineConfigHash ?? NEW;
        expect(result.desired).toEqual(Object.fromEntries([...touched].map((agentId) => [agentId, expected(agentId)])));
      }),
      { numRuns: RUNS },
    );
  });

  it('keeps every invariant after every step, however agents, timers and operators behave', () => {
    fc.assert(
      fc.property(anySimulation, (spec) => {
        simulateRollout({
          ...spec,
          afterEachStep: (truth, at) => {
            const violations = checkInvariants(truth);
            if (violations.length > 0) throw new Error(`at ${at} ms: ${JSON.stringify(violations)}`);
          },
        });
      }),
      { numRuns: RUNS },
    );
  });

  it('decides the same way for the same inputs', () => {
    fc.assert(
      fc.property(anySimulation, (spec) => {
        expect(simulateRollout(spec)).toEqual(simulateRollout(spec));
      }),
      { numRuns: Math.ceil(RUNS / 3) },
    );
  });

  it('rebuilds the same state by replaying the events, from the start or from any point', () => {
    fc.assert(
      fc.property(anySimulation, fc.nat(), (spec, cut) => {
        const result = simulateRollout(spec);
        expect(replay(result.events)).toEqual(result.state);
        const at = result.events.length === 0 ? 0 : cut % result.events.length;
        expect(replay(result.events.slice(at), replay(result.events.slice(0, at)))).toEqual(result.state);
      }),
      { numRuns: RUNS },
    );
  });

  it('always ends a rollout that needs no operator, however the agents behave', () => {
    fc.assert(
      fc.property(simulation({ dynamicFleet: true, operator: false, approvals: false }), (spec) => {
        const result = simulateRollout({ ...spec, maxSteps: 200_000 });
        expect(result.truncated).toBe(false);
        if (result.refused !== null) return;
        expect(isActive(result.state!.status)).toBe(false);
      }),
      { numRuns: RUNS },
    );
  });

  it('never puts an agent in two active rollouts', () => {
    const fleetArb = fc.array(fc.record({ env: fc.constantFrom('production', 'staging'), region: fc.constantFrom('eu', 'us') }), { minLength: 1, maxLength: 30 });
    const targetArb = fc.constantFrom(
      { kind: 'group' as const, group: 'production' },
      { kind: 'group' as const, group: 'staging' },
      { kind: 'selector' as const, selector: { requirements: [{ op: 'equals' as const, key: 'cloud.region', value: 'eu' }] } },
      { kind: 'selector' as const, selector: { requirements: [{ op: 'not_in' as const, key: 'cloud.region', values: ['eu'] }] } },
    );
    fc.assert(
      fc.property(fleetArb, targetArb, targetArb, fc.array(fc.nat(), { maxLength: 5 }), (attributes, first, second, joiners) => {
        const fleet = attributes.map((a, i) => agent(`agent-${i}`, { identifying: { 'service.environment': a.env }, nonIdentifying: { 'cloud.region': a.region } }));
        const r1 = decide(null, startCommand({ rolloutId: 'r1', fleet, target: first }));
        if (!r1.ok) return;
        const held = heldAgents(r1.state!);
        const lockedAgents = Object.fromEntries(held.map((agentId) => [agentId, 'r1']));
        const r2 = decide(null, startCommand({ rolloutId: 'r2', fleet, target: second, lockedAgents }));
        if (!r2.ok) return;
        let state = r2.state!;
        for (const pick of joiners) {
          const candidate = fleet[pick % fleet.length]!;
          const joined = decide(state, { type: 'AgentConnected', agent: candidate, previousConfigHash: 'cfg-previous', lockedBy: lockedAgents[candidate.agentId] ?? null, now: 1 });
          if (joined.ok) state = joined.state!;
        }
        const inBoth = heldAgents(state).filter((agentId) => held.includes(agentId));
        expect(inBoth).toEqual([]);
      }),
      { numRuns: RUNS * 2 },
    );
  });
});
