import { forecastRollout } from './forecast';
import { rolloutAgent, summarize } from './summary';
import { agent, connected, fleetOf, id, ofType, RolloutScenario, startCommand } from './testing/rollout-fixtures';

const REQUIRED = ['exporters/otlp', 'processors/batch', 'receivers/otlp'];
const FULL = ['exporters/debug', 'exporters/otlp', 'processors/batch', 'receivers/otlp'];
const NO_BATCH = ['exporters/debug', 'exporters/otlp', 'receivers/otlp'];

/** Ten agents: 0-1 lack processors/batch, 2 never reported its components, the rest have all. */
function fleet() {
  return fleetOf(10, (i) => (i < 2 ? { availableComponents: NO_BATCH } : i === 2 ? {} : { availableComponents: FULL }));
}

describe('agents lacking a component the config uses', () => {
  it('are skipped as missing_components by default; an agent that never reported its components is not judged', () => {
    const scenario = RolloutScenario.given(startCommand({ fleet: fleet(), requiredComponents: REQUIRED, plan: [{ percent: 100 }] }));
    expect(ofType(scenario.history, 'RolloutStarted')[0]).toMatchObject({ matched: 10, eligible: 8, skipped: { missing_components: 2 } });
    expect(rolloutAgent(scenario.current, id(0))?.skip).toEqual({ reason: 'missing_components', lockedBy: null });
    expect(rolloutAgent(scenario.current, id(2))?.membership).toBe('member');
    expect(scenario.current.settings.components).toEqual({ required: REQUIRED, policy: 'exclude' });
  });

  it('refuse the start under policy refuse, naming the agents and what they lack', () => {
    const refused = new RolloutScenario().when(startCommand({ fleet: fleet(), requiredComponents: REQUIRED, missingComponentsPolicy: 'refuse' }));
    expect(refused).toEqual({
      ok: false,
      error: {
        code: 'components.missing',
        message: `2 agents of group production lack a component the config uses (processors/batch): ${id(0)} (processors/batch), ${id(1)} (processors/batch); they would fail — leave them out (missingComponentsPolicy exclude) or give them a collector with these components`,
        details: { agents: 2, components: ['processors/batch'], agentIds: [id(0), id(1)] },
      },
    });
  });

  it('take part under policy include (they would fail), and nothing is checked', () => {
    const scenario = RolloutScenario.given(startCommand({ fleet: fleet(), requiredComponents: REQUIRED, missingComponentsPolicy: 'include', plan: [{ percent: 100 }] }));
    expect(summarize(scenario.current)).toMatchObject({ members: 10, skipped: 0 });
    expect(scenario.current.settings.components).toBeUndefined();
  });

  it('are skipped when they join the target during the rollout', () => {
    const scenario = RolloutScenario.given(startCommand({ fleet: fleet(), requiredComponents: REQUIRED, plan: [{ percent: 50, windowMs: 60_000 }, { percent: 100 }] }));
    const joiner = agent('agent-late', { availableComponents: ['receivers/otlp'] });
    const joined = scenario.when(connected(joiner, 1_000));
    expect(ofType(joined, 'AgentSkipped')).toEqual([expect.objectContaining({ agentId: 'agent-late', reason: 'missing_components' })]);
  });

  it('are named by the forecast, per component, with samples; the first phase never holds one', () => {
    const result = forecastRollout(startCommand({ fleet: fleet(), requiredComponents: REQUIRED }));
    if (!result.ok) throw new Error(result.error.message);
    const { forecast } = result;
    expect(forecast.missingComponents).toEqual({
      policy: 'exclude',
      required: REQUIRED,
      agents: 2,
      byComponent: { 'processors/batch': 2 },
      sample: [
        { agentId: id(0), missing: ['processors/batch'] },
        { agentId: id(1), missing: ['processors/batch'] },
      ],
      unreported: 1,
    });
    expect(forecast.skipped).toEqual({ missing_components: 2 });
    expect(forecast.firstPhaseAgents).not.toContain(id(0));
  });

  it('are refused by the forecast as the start would be, under policy refuse', () => {
    const result = forecastRollout(startCommand({ fleet: fleet(), requiredComponents: REQUIRED, missingComponentsPolicy: 'refuse' }));
    expect(result).toEqual({ ok: false, error: expect.objectContaining({ code: 'components.missing' }) });
  });
});
