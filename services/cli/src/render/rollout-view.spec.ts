import type { PhaseView } from '@roost/views';
import { parseEvent, progressLine } from '../watch-rollout';
import { startBody } from '../commands/rollout-commands';
import { parseArguments } from '../cli-arguments';
import { dataPlaneLines, renderRollout, type RolloutResource } from './rollout-view';

const NOW = 1_800_000_000_000;

function phase(index: number, name: string, size: string, state: PhaseView['state'], figures: Partial<PhaseView> = {}): PhaseView {
  return {
    index,
    name,
    size,
    windowMs: 60_000,
    requireApproval: false,
    state,
    allowance: null,
    startedAt: null,
    windowEndsAt: null,
    awaitingApprovalAt: null,
    endedAt: null,
    passedBy: null,
    gate: null,
    failureReasons: {},
    targeted: 0,
    applied: 0,
    failed: 0,
    pending: 0,
    disconnected: 0,
    excluded: 0,
    ...figures,
  };
}

const rollout = {
  rolloutId: 'r-1',
  target: 'group production',
  configHash: 'abcdef0123456789'.repeat(4),
  status: 'in_progress',
  threshold: 0.1,
  members: 200,
  counts: { applied: 20, failed: 1, pending: 3, disconnected: 0, skipped: 0, waiting: 176, left: 0, excluded: 0 },
  startedAt: NOW - 95_000,
  endedAt: null,
  awaitingApproval: false,
  pausedBy: null,
  failureReason: null,
  currentPhase: 'early',
  phaseIndex: 1,
  phases: [
    phase(0, 'canary', '2%', 'passed', { allowance: 4, targeted: 4, applied: 4 }),
    phase(1, 'early', '10%', 'running', { allowance: 24, targeted: 20, applied: 16, failed: 1, pending: 3, windowEndsAt: NOW + 42_000 }),
    phase(2, 'full', '100%', 'planned'),
  ],
  failures: [{ message: 'invalid configuration: line 4', agents: 1 }],
} as unknown as RolloutResource;

describe('rollout view', () => {
  it('shows each phase with cumulative figures, its state and the failures with their error text', () => {
    expect(renderRollout(rollout, NOW).split('\n')).toEqual([
      `rollout r-1  group production  config abcdef012345  IN_PROGRESS`,
      '  20/200 applied · 1 failed · 3 pending · threshold 10% · running for 1m35s',
      '  canary        2% [####################]    4/4    applied                   passed',
      '  early        10% [##################--]   20/24   applied, 1 failed, 3 pending  observing, 42s left',
      '  full        100% [--------------------]                                     planned',
      '  failures:',
      '    1 agent: invalid configuration: line 4',
      '',
    ]);
  });

  it('shows who paused and why, and a window that stands still while paused', () => {
    const paused = { ...rollout, status: 'paused', pausedBy: 'operator', pausedByActor: 'ada', pauseReason: 'latency alert', timestamps: { paused: NOW - 600_000 } } as unknown as RolloutResource;
    const lines = renderRollout(paused, NOW).split('\n');
    expect(lines[1]).toContain('paused by ada: latency alert (roost rollout resume)');
    // paused 10 minutes ago with 10m42s of the window left then: still 10m42s left now
    expect(lines[3]).toMatch(/window stopped, 10m42s left$/);
    const failed = { ...paused, pausedBy: 'phase_failed', pausedByActor: null, pauseReason: null } as unknown as RolloutResource;
    expect(renderRollout(failed, NOW).split('\n')[1]).toContain('paused by a failed phase (roost rollout promote, rollback or abort)');
  });

  it('gives a one-line progress for logs', () => {
    expect(progressLine(rollout)).toBe('in_progress · phase early (2/3) · 20/200 applied, 1 failed, 3 pending');
  });

  it('reads server-sent event blocks', () => {
    expect(parseEvent('event: rollout\nid: 7\ndata: {"a":1}')).toEqual({ type: 'rollout', data: '{"a":1}' });
    expect(parseEvent(': keep-alive')).toEqual({ type: 'message', data: '' });
  });
});

describe('rollout start request', () => {
  const read = async (): Promise<string> => 'receivers: {}';

  it('carries the target, config, plan, threshold, timing and switches', async () => {
    const args = parseArguments(['rollout', 'start', '--selector', 'cloud.region=eu', '--file', 'c.yaml', '--name', 'base', '--plan', '5:30s,100%', '--threshold', '20%', '--health-grace', '3s', '--accept-keep-new', '--baseline', 'base@1']);
    expect(await startBody(args, read)).toEqual({
      target: { selector: 'cloud.region=eu' },
      configYaml: 'receivers: {}',
      configName: 'base',
      plan: [{ count: 5, windowMs: 30_000 }, { percent: 100 }],
      threshold: 0.2,
      baselineConfigHash: 'base@1',
      acceptKeepNewOnFailure: true,
      timing: { healthGraceMs: 3000 },
    });
  });

  it('refuses a target or config given twice or not at all', async () => {
    await expect(startBody(parseArguments(['--config', 'x']), read)).rejects.toThrow('give exactly one of --group or --selector');
    await expect(startBody(parseArguments(['--group', 'g', '--config', 'x', '--file', 'y']), read)).rejects.toThrow('give exactly one of --config');
    await expect(startBody(parseArguments(['--group', 'g', '--config', 'x', '--threshold', '150%']), read)).rejects.toThrow('--threshold must be a percentage');
  });

  it('carries data-plane gates: --gate repeated or split on ;, with the data each cohort needs', async () => {
    const args = parseArguments(['--group', 'g', '--config', 'x', '--gate', 'exporter.failed_ratio <= control+0.01', '--gate', 'exporter.sent_rate >= control*0.8; memory.growth <= 0.2', '--gate-min-samples', '5']);
    expect((await startBody(args, read))['dataPlane']).toEqual({
      gates: ['exporter.failed_ratio <= control+0.01', 'exporter.sent_rate >= control*0.8', 'memory.growth <= 0.2'],
      minSamplesPerAgent: 5,
    });
    await expect(startBody(parseArguments(['--group', 'g', '--config', 'x', '--gate-min-agents', '2']), read)).rejects.toThrow('go with --gate');
  });

  it('shows each data-plane gate: canary against control, the threshold, and why it failed', () => {
    const failed = phase(0, 'canary', '1 agents', 'failed', {
      gate: {
        population: 1,
        applied: 0,
        failed: 1,
        pending: 0,
        disconnected: 0,
        allowedFailures: 0,
        dataPlane: {
          windowStart: NOW,
          canary: { agents: 1, reporting: 1, withoutOwnMetrics: 0 },
          control: { agents: 2, reporting: 2, withoutOwnMetrics: 0 },
          gates: [{ gate: 'exporter.failed_ratio <= control+0.01', metric: 'exporter.failed_ratio', canary: 1, control: 0, threshold: 0.01, outcome: 'fail', note: 'canary 1 is not <= 0.01 (control 0)' }],
          notes: [],
        },
      },
    });
    // the API's generated type has mutable arrays where the view's are readonly
    expect(dataPlaneLines(failed as unknown as Parameters<typeof dataPlaneLines>[0])).toEqual([
      '    data plane  exporter.failed_ratio <= control+0.01   canary 1  control 0  threshold 0.01  FAIL: canary 1 is not <= 0.01 (control 0)',
      '    cohorts     canary 1/1 reporting, control 2/2 reporting',
    ]);
    expect(dataPlaneLines(phase(1, 'full', '100%', 'planned') as unknown as Parameters<typeof dataPlaneLines>[0])).toEqual([]);
    const why = 'waiting for data-plane figures: 1 of 3 canary agents reporting their own metrics have 3 samples in the window, 3 needed';
    const waiting = phase(0, 'canary', '3 agents', 'running', {
      gate: {
        population: 3,
        applied: 3,
        failed: 0,
        pending: 0,
        disconnected: 0,
        allowedFailures: 0,
        dataPlane: {
          windowStart: NOW,
          canary: { agents: 3, reporting: 1, withoutOwnMetrics: 0 },
          control: { agents: 7, reporting: 7, withoutOwnMetrics: 0 },
          gates: [{ gate: 'exporter.failed_ratio <= control+0.01', metric: 'exporter.failed_ratio', canary: null, control: null, threshold: null, outcome: 'waiting' }],
          notes: [],
          waiting: why,
        },
      },
    });
    expect(dataPlaneLines(waiting as unknown as Parameters<typeof dataPlaneLines>[0])).toEqual([
      '    data plane  exporter.failed_ratio <= control+0.01   canary -  control -  threshold -  WAITING',
      '    cohorts     canary 1/3 reporting, control 7/7 reporting',
      `    waiting     ${why}`,
    ]);
  });
});
