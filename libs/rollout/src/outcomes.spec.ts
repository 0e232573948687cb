import { NO_COLLECTOR_LOG, rolloutAgent, summarize, type StartRollout } from './index';
import {
  agent,
  appliedStatus,
  applying,
  connected,
  disconnected,
  effective,
  failedStatus,
  fleetOf,
  health,
  MIN,
  NEW,
  OLD,
  ofType,
  RolloutScenario,
  startCommand,
  tick,
  typesOf,
  WITHOUT_REMOTE_CONFIG_STATUS,
} from './testing/rollout-fixtures';

/** Ten agents, one canary watched for a minute, default timings (apply 2 min, disconnect 1 min, health 30 s). */
function oneCanary(overrides: Partial<StartRollout> = {}): { scenario: RolloutScenario; canary: string } {
  const scenario = RolloutScenario.given(startCommand({ fleet: fleetOf(10), plan: [{ count: 1, windowMs: MIN }, { percent: 100 }], ...overrides }));
  return { scenario, canary: scenario.targeted[0]! };
}

describe('per-agent outcome: applied', () => {
  it('counts an agent applied once it reports APPLIED for the new hash and a healthy report since the push', () => {
    const { scenario, canary } = oneCanary();
    expect(typesOf(scenario.when(applying(canary, 500)))).toEqual(['AgentConfigReceived']);
    expect(typesOf(scenario.when(appliedStatus(canary, 1000)))).toEqual(['AgentConfigApplied']);
    expect(summarize(scenario.current).applied).toBe(0);
    expect(typesOf(scenario.when(health(canary, true, 2000)))).toEqual(['AgentHealthChanged']);
    expect(summarize(scenario.current).applied).toBe(1);
  });

  it('never counts a healthy report from before the push', () => {
    const { scenario, canary } = oneCanary({ now: 10_000 });
    expect(typesOf(scenario.when(health(canary, true, 10_500, 9_999)))).toEqual([]);
    scenario.when(appliedStatus(canary, 11_000));
    expect(summarize(scenario.current).applied).toBe(0);
    const timeout = scenario.when(tick(10_000 + 2 * MIN));
    expect(ofType(timeout, 'AgentConfigFailed')).toEqual([
      expect.objectContaining({ agentId: canary, reason: 'apply_timeout', detail: 'no healthy report since the push within 120000 ms' }),
    ]);
  });

  it('counts an agent that does not report remote config status as applied once its effective config matches', () => {
    const { scenario, canary } = oneCanary({ fleet: fleetOf(10, () => ({ capabilities: WITHOUT_REMOTE_CONFIG_STATUS })) });
    expect(typesOf(scenario.when(effective(canary, OLD, 500)))).toEqual([]);
    expect(ofType(scenario.when(effective(canary, NEW, 1000)), 'AgentConfigApplied')).toEqual([expect.objectContaining({ via: 'effective_config' })]);
    expect(summarize(scenario.current).applied).toBe(1);
  });

  it('does not need a health report from an agent that does not report health', () => {
    const { scenario, canary } = oneCanary({ fleet: fleetOf(10, () => ({ capabilities: 0x2 | 0x1000 })) });
    scenario.when(appliedStatus(canary, 1000));
    expect(summarize(scenario.current).applied).toBe(1);
  });
});

describe('per-agent outcome: failed', () => {
  it('fails an agent that reports FAILED for the new hash, with its error message', () => {
    const { scenario, canary } = oneCanary();
    const decision = scenario.when(failedStatus(canary, 1000, 'exporters::otlp: missing endpoint'));
    expect(ofType(decision, 'AgentConfigFailed')).toEqual([expect.objectContaining({ agentId: canary, reason: 'apply_failed', detail: 'exporters::otlp: missing endpoint' })]);
  });

  it('groups a FAILED report under the most specific error the agent reported since the push, keeping every one', () => {
    const crash = 'Agent exited unexpectedly with exit code 1 while applying configuration';
    const { scenario, canary } = oneCanary();
    const report = { ...failedStatus(canary, 1000, crash), healthError: 'Agent process PID=4242 exited unexpectedly, exit code=1', componentErrors: ['pipeline:traces/receiver:otlp: listen tcp 127.0.0.1:4317: bind: address already in use'], healthObservedAt: 900 };
    expect(ofType(scenario.when(report), 'AgentConfigFailed')).toEqual([
      expect.objectContaining({
        reason: 'apply_failed',
        detail: 'pipeline:traces/receiver:otlp: listen tcp 127.0.0.1:4317: bind: address already in use',
        details: ['pipeline:traces/receiver:otlp: listen tcp 127.0.0.1:4317: bind: address already in use', crash, 'Agent process PID=4242 exited unexpectedly, exit code=1'],
      }),
    ]);
    // the supervisor's own words over its health error (which carries a process id)
    const second = oneCanary();
    const withoutComponents = { ...failedStatus(second.canary, 1000, crash), healthError: 'Agent process PID=4243 exited unexpectedly, exit code=1', componentErrors: [], healthObservedAt: 900 };
    expect(ofType(second.scenario.when(withoutComponents), 'AgentConfigFailed')).toEqual([expect.objectContaining({ detail: crash })]);
  });

  it('never names a failure by a health report from before the push', () => {
    const { scenario, canary } = oneCanary({ now: 10_000 });
    const report = { ...failedStatus(canary, 11_000, ''), healthError: 'old trouble', componentErrors: ['exporter:otlp: old trouble'], healthObservedAt: 9_000 };
    expect(ofType(scenario.when(report), 'AgentConfigFailed')).toEqual([expect.objectContaining({ detail: 'the agent reported FAILED', details: [] })]);
  });

  it("names a crash by the collector's own error record when one arrived since the push, and groups by it", () => {
    const crash = 'Agent exited unexpectedly with exit code 1 while applying configuration';
    const bind = 'receiver otlp: Failed to start component: listen tcp: address 99999: invalid port';
    const { scenario, canary } = oneCanary({ now: 10_000 });
    const asked: [string, number][] = [];
    scenario.facts = {
      fleetCaughtUp: true,
      collectorErrors: (agentId, since) => {
        asked.push([agentId, since]);
        // newest first
        return [bind, 'an error of its previous run'];
      },
    };
    expect(ofType(scenario.when(failedStatus(canary, 11_000, crash)), 'AgentConfigFailed')).toEqual([expect.objectContaining({ reason: 'apply_failed', detail: bind, details: [bind, 'an error of its previous run', crash] })]);
    // read from the push on
    expect(asked).toEqual([[canary, 10_000]]);
  });

  it('says where the error is when an agent that reports its own logs sent no error record since the push (a config it cannot unmarshal)', () => {
    const crash = 'Agent exited unexpectedly with exit code 1 while applying configuration';
    const { scenario, canary } = oneCanary();
    scenario.facts = { fleetCaughtUp: true, collectorErrors: () => [] };
    expect(ofType(scenario.when(failedStatus(canary, 1000, crash)), 'AgentConfigFailed')).toEqual([expect.objectContaining({ detail: crash, details: [crash, NO_COLLECTOR_LOG] })]);
    // an agent that does not report its own logs: nothing added
    const other = oneCanary();
    other.scenario.facts = { fleetCaughtUp: true, collectorErrors: () => null };
    expect(ofType(other.scenario.when(failedStatus(other.canary, 1000, crash)), 'AgentConfigFailed')).toEqual([expect.objectContaining({ detail: crash, details: [crash] })]);
  });

  it('ignores FAILED for some other hash', () => {
    const { scenario, canary } = oneCanary();
    expect(typesOf(scenario.when({ type: 'RemoteConfigStatusReported', agentId: canary, hash: 'cfg-other', status: 'FAILED', errorMessage: 'x', now: 1000 }))).toEqual([]);
  });

  it('fails an agent that stays unhealthy after applying longer than the health grace period', () => {
    const { scenario, canary } = oneCanary();
    scenario.when(appliedStatus(canary, 1000));
    scenario.when(health(canary, false, 1000));
    expect(typesOf(scenario.when(tick(30_999)))).toEqual([]);
    expect(ofType(scenario.when(tick(31_000)), 'AgentConfigFailed')).toEqual([expect.objectContaining({ reason: 'unhealthy', detail: 'exporter failing' })]);
  });

  it("names an unhealthy failure by the collector's own newest error record since the push", () => {
    const { scenario, canary } = oneCanary();
    scenario.facts = { fleetCaughtUp: true, collectorErrors: () => ['exporter otlphttp: Exporting failed. Dropping data.: 503 Service Unavailable'] };
    scenario.when(appliedStatus(canary, 1000));
    scenario.when(health(canary, false, 1000));
    expect(ofType(scenario.when(tick(31_000)), 'AgentConfigFailed')).toEqual([
      expect.objectContaining({ reason: 'unhealthy', detail: 'exporter otlphttp: Exporting failed. Dropping data.: 503 Service Unavailable', details: expect.arrayContaining(['exporter failing']) }),
    ]);
  });

  it('forgives an unhealthy spell shorter than the grace period, as collectors report while starting', () => {
    const { scenario, canary } = oneCanary();
    scenario.when(health(canary, false, 100));
    scenario.when(appliedStatus(canary, 5000));
    scenario.when(health(canary, true, 6000));
    expect(ofType(scenario.when(tick(MIN)), 'AgentConfigFailed')).toEqual([]);
    expect(rolloutAgent(scenario.current, canary)?.failure).toBeNull();
  });

  it('fails an agent that stays disconnected past the grace period', () => {
    const { scenario, canary } = oneCanary();
    expect(typesOf(scenario.when(disconnected(canary, 1000)))).toEqual(['AgentConnectionLost']);
    expect(typesOf(scenario.when(tick(60_999)))).toEqual([]);
    expect(ofType(scenario.when(tick(61_000)), 'AgentConfigFailed')).toEqual([expect.objectContaining({ reason: 'disconnected' })]);
  });

  it('excludes instead of failing a disconnected agent when the policy says exclude, and takes the next agent in its place', () => {
    const { scenario, canary } = oneCanary({ disconnectedPolicy: 'exclude' });
    scenario.when(disconnected(canary, 1000));
    const decision = scenario.when(tick(61_000));
    expect(ofType(decision, 'AgentExcluded')).toEqual([expect.objectContaining({ agentId: canary, reason: 'disconnected' })]);
    expect(ofType(decision, 'AgentConfigFailed')).toEqual([]);
    expect(ofType(decision, 'AgentsTargeted')).toEqual([expect.objectContaining({ late: true, phase: 0, agents: [expect.objectContaining({ agentId: expect.any(String) })] })]);
    expect(summarize(scenario.current)).toMatchObject({ status: 'in_progress', targeted: 2, excluded: 1 });
  });

  it('keeps an agent that reconnects within the grace period', () => {
    const { scenario, canary } = oneCanary();
    scenario.when(disconnected(canary, 1000));
    expect(typesOf(scenario.when(connected(agent(canary), 30_000)))).toEqual(['AgentConnectionRestored']);
    scenario.when(appliedStatus(canary, 31_000));
    scenario.when(health(canary, true, 31_000));
    expect(ofType(scenario.when(tick(61_000)), 'AgentConfigFailed')).toEqual([]);
  });

  it('fails an agent that does not answer within the apply timeout', () => {
    const { scenario, canary } = oneCanary();
    expect(typesOf(scenario.when(tick(119_999)))).not.toContain('AgentConfigFailed');
    expect(ofType(scenario.when(tick(120_000)), 'AgentConfigFailed')).toEqual([
      expect.objectContaining({ agentId: canary, reason: 'apply_timeout', detail: 'no report of the new config applied within 120000 ms' }),
    ]);
  });

  it('applies a deadline that passed before a late report arrived', () => {
    const { scenario, canary } = oneCanary();
    const decision = scenario.when(appliedStatus(canary, 125_000));
    expect(ofType(decision, 'AgentConfigFailed')).toEqual([expect.objectContaining({ reason: 'apply_timeout' })]);
    expect(ofType(decision, 'AgentConfigApplied')).toEqual([]);
  });

  it('fails an agent that rolls itself back: APPLYING the new hash, then APPLIED for its old one', () => {
    const { scenario, canary } = oneCanary();
    scenario.when(applying(canary, 500));
    expect(ofType(scenario.when(appliedStatus(canary, 1000, OLD)), 'AgentConfigFailed')).toEqual([expect.objectContaining({ reason: 'self_rollback' })]);
  });

  it('fails an agent that applied the new config and later reports its old one applied', () => {
    const { scenario, canary } = oneCanary();
    scenario.when(appliedStatus(canary, 1000));
    expect(ofType(scenario.when(appliedStatus(canary, 2000, OLD)), 'AgentConfigFailed')).toEqual([expect.objectContaining({ reason: 'self_rollback' })]);
  });

  it('does not take APPLIED for the old hash as a rollback before the agent has seen the new config', () => {
    const { scenario, canary } = oneCanary();
    expect(typesOf(scenario.when(appliedStatus(canary, 500, OLD)))).toEqual([]);
  });

  it('fails an agent without remote config status whose effective config moves away after applying', () => {
    const { scenario, canary } = oneCanary({ fleet: fleetOf(10, () => ({ capabilities: WITHOUT_REMOTE_CONFIG_STATUS })) });
    scenario.when(effective(canary, NEW, 1000));
    expect(ofType(scenario.when(effective(canary, OLD, 2000)), 'AgentConfigFailed')).toEqual([expect.objectContaining({ reason: 'self_rollback' })]);
  });
});
