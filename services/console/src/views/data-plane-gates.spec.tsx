/**
 * @jest-environment jsdom
 */
import { cleanup, render, screen, within } from '@testing-library/preact';
import type { DataPlaneJudgement, Phase, Rollout, RolloutAgent } from '../api-types';
import type { LiveRollout } from '../live-rollout';
import { caller, counts, failedAgent, judgement, phase, rollout } from '../testing/fixtures';
import { RolloutPage } from './rollout-view';

const GATE = 'exporter.failed_ratio <= control+0.01';
const gateFigures = { population: 3, applied: 3, failed: 0, pending: 0, disconnected: 0, allowedFailures: 0 };

/** A rollout of 3 canaries then everyone, its first phase in `state` with the data-plane judgement given. */
function pageWith(dataPlane: DataPlaneJudgement, state: Phase['state'], over: Partial<Rollout> = {}, failed: RolloutAgent[] = []): void {
  const phases = [phase({ state, targeted: 3, applied: 3, startedAt: 1_000, windowEndsAt: 61_000, gate: { ...gateFigures, dataPlane } }), phase({ index: 1, name: 'phase-2', size: '100%' })];
  const live: LiveRollout = { rollout: rollout({ phases, counts: counts({ applied: 3, waiting: 5 }), ...over }), failed, skipped: [], configName: 'shop-edge', live: over.status === undefined };
  render(<RolloutPage state={live} permissions={caller('viewer').permissions} onAct={async () => undefined} />);
}

const gateRow = () => {
  const [row] = screen.getAllByTestId('data-plane-gate');
  const cell = (id: string) => within(row!).getByTestId(id).textContent;
  return { canary: cell('gate-canary'), control: cell('gate-control'), threshold: cell('gate-threshold'), outcome: cell('gate-outcome') };
};
const cohorts = () => within(screen.getByTestId('data-plane-cohorts')).getAllByRole('listitem').map((item) => item.textContent);

afterEach(cleanup);

describe("a rollout's data-plane gates", () => {
  it('shows a passed gate: the canary against the control and the threshold, as percentages', () => {
    pageWith(judgement({ gates: [{ gate: GATE, metric: 'exporter.failed_ratio', canary: 0.002, control: 0.001, threshold: 0.011, outcome: 'pass' }] }), 'passed');

    expect(screen.getByTestId('data-plane-headline-0').textContent).toBe('data plane: passed');
    expect(screen.getByTestId('data-plane-0').dataset['state']).toBe('pass');
    expect(within(screen.getByTestId('data-plane-0')).getByRole('table').textContent).toContain(GATE);
    expect(gateRow()).toEqual({ canary: '0.2%', control: '0.1%', threshold: '1.1%', outcome: 'pass' });
    expect(cohorts()).toEqual(['canaries: 3 of 3 reporting', 'control: 5 of 5 reporting']);
    expect(screen.queryByTestId('data-plane-headline-1')).toBeNull();
  });

  it('shows a failed gate with why, and the canaries it failed grouped under the gate like apply failures', () => {
    const detail = `data-plane gate failed: ${GATE}`;
    const failed: RolloutAgent[] = ['agent-2', 'agent-1'].map((id) => ({ ...failedAgent(id, detail), failure: { reason: 'data_plane', detail, details: [detail], at: 61_000 } }));
    pageWith(
      judgement({ gates: [{ gate: GATE, metric: 'exporter.failed_ratio', canary: 1, control: 0, threshold: 0.01, outcome: 'fail', note: 'canary 1 is not <= 0.01 (control 0)' }] }),
      'failed',
      { status: 'rolled_back', failureReason: `phase phase-1 failed its data-plane gate: ${GATE}: canary 1 is not <= 0.01 (control 0)`, failures: [{ message: detail, agents: 2 }] },
      failed,
    );

    expect(screen.getByTestId('data-plane-headline-0').textContent).toBe('data plane: failed');
    expect(screen.getByTestId('failure-reason').textContent).toContain('failed its data-plane gate');
    const [group] = screen.getAllByTestId('failure-group');
    expect(within(group!).getByTestId('failure-message').textContent).toBe(detail);
    expect(within(group!).getAllByRole('link').map((link) => link.textContent)).toEqual(['agent-1', 'agent-2']);
  });

  it('shows the figures of a failed gate and the reason it failed', () => {
    pageWith(judgement({ gates: [{ gate: GATE, metric: 'exporter.failed_ratio', canary: 1, control: 0, threshold: 0.01, outcome: 'fail', note: 'canary 1 is not <= 0.01 (control 0)' }] }), 'failed');

    expect(screen.getByTestId('data-plane-headline-0').textContent).toBe('data plane: failed');
    expect(gateRow()).toEqual({ canary: '100%', control: '0%', threshold: '1%', outcome: 'FAIL — canary 1 is not <= 0.01 (control 0)' });
  });

  it('says what a phase waits for while too few canaries report their own metrics', () => {
    const waiting = 'waiting for data-plane figures: 1 of 3 canary agents reporting their own metrics have 3 samples in the window, 3 needed';
    pageWith(judgement({ canary: { agents: 3, reporting: 1, withoutOwnMetrics: 0 }, gates: [{ gate: GATE, metric: 'exporter.failed_ratio', canary: null, control: null, threshold: null, outcome: 'waiting' }], waiting }), 'running');

    expect(screen.getByTestId('data-plane-headline-0').textContent).toBe('waiting for data: 1 of 3 canaries reporting');
    expect(screen.getByTestId('data-plane-0').dataset['state']).toBe('waiting');
    expect(gateRow()).toEqual({ canary: '—', control: '—', threshold: '—', outcome: 'waiting' });
    expect(screen.getByTestId('data-plane-waiting').textContent).toBe(waiting);
    expect(cohorts()).toEqual(['canaries: 1 of 3 reporting', 'control: 5 of 5 reporting']);
  });

  it('says a gate was not judged, and which agents are judged by apply and health only', () => {
    const note = 'no canary reports its own metrics (ReportsOwnMetrics): the phase is judged by the apply and health gates only';
    pageWith(
      judgement({ canary: { agents: 3, reporting: 0, withoutOwnMetrics: 3 }, gates: [{ gate: GATE, metric: 'exporter.failed_ratio', canary: null, control: 0, threshold: null, outcome: 'not_judged', note: 'no canary reports its own metrics' }], notes: [note] }),
      'passed',
    );

    expect(screen.getByTestId('data-plane-headline-0').textContent).toBe('data plane: not judged (judged by apply and health only)');
    expect(gateRow()).toEqual({ canary: '—', control: '0%', threshold: '—', outcome: 'not judged — no canary reports its own metrics' });
    expect(cohorts()).toEqual(['canaries: 0 of 3 reporting, 3 judged by apply and health only (no own metrics)', 'control: 5 of 5 reporting']);
    expect(screen.getAllByTestId('data-plane-note').map((item) => item.textContent)).toEqual([note]);
  });

  it('shows nothing of data-plane gates for a rollout without them', () => {
    render(<RolloutPage state={{ rollout: rollout(), failed: [], skipped: [], configName: 'shop-edge', live: true }} permissions={[]} onAct={async () => undefined} />);
    expect(screen.queryByTestId('data-plane')).toBeNull();
    expect(screen.queryByTestId('data-plane-headline-0')).toBeNull();
  });
});
