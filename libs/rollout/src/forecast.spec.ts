import { decide, forecastRollout, targetedAgentIds } from './index';
import { agent, fleetOf, startCommand } from './testing/rollout-fixtures';

describe('forecasting a rollout (dry run)', () => {
  it('names the first phase agents a start with the same inputs targets, and the agents each later phase adds', () => {
    const command = startCommand({ fleet: fleetOf(100) });
    const planned = forecastRollout(command);
    if (!planned.ok) throw new Error(planned.error.message);
    const { forecast } = planned;
    const started = decide(null, command);
    if (!started.ok) throw new Error('expected a start');
    expect(forecast.firstPhaseAgents).toEqual(targetedAgentIds(started.events));
    expect(forecast.phases.map((p) => [p.name, p.size, p.agents, p.cumulative])).toEqual([
      ['canary', '2%', 2, 2],
      ['early-adopters', '10%', 8, 10],
      ['majority', '50%', 40, 50],
      ['full', '100%', 50, 100],
    ]);
    expect(forecast.phases[0]?.sample).toEqual(forecast.firstPhaseAgents);
    expect(forecast).toMatchObject({ matched: 100, members: 100, skipped: {}, earliestMs: 13 * 60_000, target: 'group production' });
  });

  it('counts the skipped agents by reason with samples, and each phase per stratum', () => {
    const fleet = [
      ...fleetOf(40, (i) => ({ nonIdentifying: { 'cloud.region': i % 4 === 0 ? 'eu' : 'us' } })),
      agent('offline', { connected: false }),
    ];
    const planned = forecastRollout(startCommand({ fleet, stratifyBy: 'cloud.region', plan: [{ percent: 10, windowMs: 60_000 }, { percent: 100 }] }));
    if (!planned.ok) throw new Error(planned.error.message);
    const { forecast } = planned;
    expect(forecast.skipped).toEqual({ disconnected: 1 });
    expect(forecast.skippedSample).toEqual({ disconnected: ['offline'] });
    expect(forecast.phases[0]?.byStratum).toEqual({ eu: expect.any(Number), us: expect.any(Number) });
    const total = forecast.phases.map((p) => Object.values(p.byStratum ?? {}).reduce((a, b) => a + b, 0));
    expect(total).toEqual(forecast.phases.map((p) => p.agents));
    expect(forecast.phases.at(-1)?.cumulative).toBe(40);
    expect(forecast.earliestMs).toBe(60_000);
  });

  it('refuses as the start would, with the same error', () => {
    const command = startCommand({ fleet: fleetOf(3), target: { kind: 'group', group: 'staging' } });
    const planned = forecastRollout(command);
    const started = decide(null, command);
    expect(planned.ok).toBe(false);
    expect(started.ok).toBe(false);
    if (!planned.ok && !started.ok) expect(planned.error).toEqual(started.error);
  });

  it('depends on the rollout id for its cohort order, as the start does', () => {
    const fleet = fleetOf(200);
    const a = forecastRollout(startCommand({ fleet, rolloutId: 'r-a' }));
    const b = forecastRollout(startCommand({ fleet, rolloutId: 'r-b' }));
    if (!a.ok || !b.ok) throw new Error('expected forecasts');
    expect(a.forecast.firstPhaseAgents).toHaveLength(4);
    expect(a.forecast.firstPhaseAgents).not.toEqual(b.forecast.firstPhaseAgents);
  });
});
