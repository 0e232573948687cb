import { DEFAULT_MARKER, reactTo, type HeldConfig } from './behaviour';
import { fleetStats, statsLine } from './fleet-stats';
import { parseSimulateCommandLine } from './simulate-command-line';

const OLD: HeldConfig = { hash: 'a'.repeat(64), body: 'exporters:\n  debug: {}\n' };
const GOOD = { hash: 'b'.repeat(64), body: 'exporters:\n  otlp: {}\n' };
const BAD = { hash: 'c'.repeat(64), body: `exporters:\n  otlp: {}\n${DEFAULT_MARKER}\n` };

describe('reactions to a config', () => {
  it('applies a config without the marker, whatever the behaviour', () => {
    for (const behaviour of ['healthy', 'fail', 'unhealthy', 'rollback', 'flaky'] as const) {
      const steps = reactTo(behaviour, GOOD, OLD, 500, DEFAULT_MARKER);
      expect(steps.map((s) => s.afterMs)).toEqual([0, 500]);
      expect(steps[0]?.report.remoteStatus).toEqual({ hash: GOOD.hash, status: 'APPLYING' });
      expect(steps[1]?.report).toEqual({ remoteStatus: { hash: GOOD.hash, status: 'APPLIED' }, runs: GOOD, health: { healthy: true, lastError: '' } });
    }
  });

  it('refuses a marked config with the line that holds the marker and keeps running the old one', () => {
    const outcome = reactTo('fail', BAD, OLD, 300, DEFAULT_MARKER)[1];
    expect(outcome?.afterMs).toBe(300);
    expect(outcome?.report.remoteStatus).toEqual({ hash: BAD.hash, status: 'FAILED', error: `invalid configuration: line 3: ${DEFAULT_MARKER}` });
    expect(outcome?.report.runs).toBeUndefined();
  });

  it('applies a marked config and then reports itself unhealthy', () => {
    const outcome = reactTo('unhealthy', BAD, OLD, 300, DEFAULT_MARKER)[1];
    expect(outcome?.report.remoteStatus?.status).toBe('APPLIED');
    expect(outcome?.report.runs).toBe(BAD);
    expect(outcome?.report.health?.healthy).toBe(false);
  });

  it('rolls back like the supervisor: FAILED for the new config, then APPLIED for the one it ran', () => {
    const steps = reactTo('rollback', BAD, OLD, 300, DEFAULT_MARKER);
    expect(steps.map((s) => [s.afterMs, s.report.remoteStatus?.status, s.report.remoteStatus?.hash])).toEqual([
      [0, 'APPLYING', BAD.hash],
      [300, 'APPLIED', BAD.hash],
      [600, 'FAILED', BAD.hash],
      [601, 'APPLIED', OLD.hash],
    ]);
    expect(steps[2]?.report.runs).toBe(OLD);
  });

  it('after a failed first remote config goes back to its local config without claiming an APPLIED', () => {
    const local: HeldConfig = { hash: null, body: 'receivers: {}' };
    const steps = reactTo('rollback', BAD, local, 300, DEFAULT_MARKER);
    expect(steps.at(-1)?.report).toMatchObject({ remoteStatus: { status: 'FAILED' }, runs: local });
  });

  it('reports APPLIED and healthy again when offered the config it already runs (a restart called off)', () => {
    expect(reactTo('fail', { hash: OLD.hash as string, body: OLD.body }, OLD, 300, DEFAULT_MARKER)).toEqual([
      { afterMs: 0, report: { remoteStatus: { hash: OLD.hash, status: 'APPLIED' }, health: { healthy: true, lastError: '' } } },
    ]);
    expect(reactTo('unhealthy', BAD, BAD, 300, DEFAULT_MARKER)[0]?.report.health?.healthy).toBe(false);
  });
});

describe('fleet stats', () => {
  it('counts connections, configs and statuses per environment', () => {
    const agent = (environment: string, connected: boolean, runningHash: string | null, status: 'APPLIED' | 'FAILED' | null) => ({
      agentId: `${environment}-${runningHash}`,
      environment,
      region: 'eu',
      behaviour: 'healthy' as const,
      connected,
      runningHash,
      remoteStatus: status === null ? null : { hash: runningHash ?? 'x', status },
      healthy: status !== 'FAILED',
    });
    const stats = fleetStats([agent('prod', true, 'abcdef0123', 'APPLIED'), agent('prod', false, null, null), agent('stage', true, 'abcdef0123', 'FAILED')], { offers: 3, applied: 2, failed: 1, connects: 2, disconnects: 0, ownMetricsSent: 0, ownMetricsRefused: 0 });
    expect(stats).toMatchObject({ agents: 3, connected: 2, healthy: 2, statuses: { UNSET: 1, APPLIED: 1, FAILED: 1, APPLYING: 0 } });
    expect(stats.running).toEqual([{ config: 'abcdef0123', agents: 2 }, { config: 'local', agents: 1 }]);
    expect(stats.environments).toEqual({ prod: { agents: 2, connected: 1 }, stage: { agents: 1, connected: 1 } });
    expect(statsLine(stats)).toBe('2/3 connected, 2 healthy | runs abcdef01 2, local 1 | FAILED 1 | offers 3, applied 2, failed 1, disconnects 0');
  });
});

describe('simulate command line', () => {
  it('defaults to 100 WebSocket agents on the local gateway', () => {
    const command = parseSimulateCommandLine([], {});
    expect(command).toMatchObject({ fleet: { urls: ['ws://127.0.0.1:4320/v1/opamp'], agents: 100 }, durationMs: 0, reportEveryMs: 5000, output: 'text' });
  });

  it('reads shares, delays and the HTTP transport', () => {
    const command = parseSimulateCommandLine(['--agents', '300', '--transport=http', '--environments', 'production:70,staging:30', '--apply-delay', '1s-2s', '--behaviours', 'fail:10'], { GATEWAY_BEARER_TOKEN: 'secret' });
    expect(command).toMatchObject({
      fleet: { urls: ['http://127.0.0.1:4320/v1/opamp'], agents: 300, applyDelayMs: { min: 1000, max: 2000 }, behaviours: 'fail:10', bearerToken: 'secret' },
    });
    expect(command !== 'help' && command.fleet.environments).toEqual([
      { value: 'production', weight: 70 },
      { value: 'staging', weight: 30 },
    ]);
  });

  it('names the flag at fault', () => {
    expect(() => parseSimulateCommandLine(['--agents', '-3'], {})).toThrow('--agents must be a whole number >= 1, got "-3"');
    expect(() => parseSimulateCommandLine(['--behaviours', 'fail:200'], {})).toThrow('more than 100');
    expect(() => parseSimulateCommandLine(['--fleet', '3'], {})).toThrow('unknown flag --fleet');
    expect(parseSimulateCommandLine(['--help'], {})).toBe('help');
  });
});
