/**
 * @jest-environment jsdom
 */
import { act, cleanup, fireEvent, render, screen, within } from '@testing-library/preact';
import type { LiveRollout } from '../live-rollout';
import type { RolloutAction } from '../rollout-figures';
import { caller, counts, failedAgent, phase, rollout } from '../testing/fixtures';
import { RolloutPage } from './rollout-view';

const live = (over: Partial<LiveRollout> = {}): LiveRollout => ({ rollout: rollout(), failed: [], skipped: [], configName: 'shop-edge', live: true, ...over });
const taken: RolloutAction['verb'][] = [];
const onAct = async (action: RolloutAction) => {
  taken.push(action.verb);
};
const buttons = () => within(screen.getByTestId('actions')).getAllByRole('button').map((button) => button.textContent);

afterEach(() => {
  cleanup();
  taken.length = 0;
  jest.useRealTimers();
});

describe("a rollout's page", () => {
  it('shows the phases as a timeline with the gate against its allowance, the counts and the running window counting down', () => {
    jest.useFakeTimers({ now: 31_000 });
    const state = live({
      rollout: rollout({
        counts: counts({ applied: 1, failed: 1, pending: 6 }),
        phases: [
          phase({ state: 'running', targeted: 2, applied: 1, failed: 1, startedAt: 1_000, windowEndsAt: 61_000, gate: { population: 2, applied: 1, failed: 1, pending: 0, disconnected: 0, allowedFailures: 0 } }),
          phase({ index: 1, name: 'phase-2', size: '100%' }),
        ],
      }),
    });
    render(<RolloutPage state={state} permissions={caller('viewer').permissions} onAct={onAct} />);
    expect(screen.getByTestId('rollout-status').textContent).toBe('in progress');
    expect(screen.getByTestId('live').textContent).toBe('● live');
    expect(screen.getByTestId('gate-0').textContent).toBe('1 of 2 failed, 0 allowed');
    expect(screen.getByTestId('gate-1').textContent).toBe('not started');
    expect(screen.getByTestId('phase-0').getAttribute('aria-current')).toBe('step');
    expect(screen.getAllByRole('listitem').filter((item) => item.dataset['state'] !== undefined).map((item) => item.dataset['state'])).toEqual(['running', 'planned']);
    expect(screen.getByTestId('counts').textContent).toBe('1 applied6 pending1 failed');
    expect(screen.getByLabelText('1 applied, 1 failed of 2 targeted').getAttribute('value')).toBe('100');
    expect(screen.getByTestId('countdown').textContent).toBe('0:30');
    void act(() => {
      jest.advanceTimersByTime(2_000);
    });
    expect(screen.getByTestId('countdown').textContent).toBe('0:28');
  });

  it('offers a viewer no action, and an operator the actions of the status', () => {
    const { rerender } = render(<RolloutPage state={live()} permissions={caller('viewer').permissions} onAct={onAct} />);
    expect(screen.queryByTestId('actions')).toBeNull();
    rerender(<RolloutPage state={live()} permissions={caller('operator').permissions} onAct={onAct} />);
    expect(buttons()).toEqual(['Pause', 'Promote', 'Abort', 'Roll back']);
    rerender(<RolloutPage state={live({ rollout: rollout({ status: 'paused' }) })} permissions={caller('operator').permissions} onAct={onAct} />);
    expect(buttons()).toEqual(['Resume', 'Abort', 'Roll back']);
    rerender(<RolloutPage state={live({ rollout: rollout({ status: 'completed' }), live: false })} permissions={caller('operator').permissions} onAct={onAct} />);
    expect(buttons()).toEqual(['Undo']);
  });

  it('pauses at once, but asks before an abort, naming the agents it touched, and does nothing when cancelled', async () => {
    render(<RolloutPage state={live()} permissions={caller('operator').permissions} onAct={onAct} />);
    await act(async () => {
      fireEvent.click(screen.getByTestId('action-pause'));
    });
    expect(taken).toEqual(['pause']);
    expect(screen.queryByTestId('confirm-dialog')).toBeNull();

    fireEvent.click(screen.getByTestId('action-abort'));
    const dialog = screen.getByRole('dialog');
    expect(dialog.textContent).toContain('Abort r-1: stop where it is (agents that applied keep the config, 2 agents touched)?');
    expect(document.activeElement).toBe(screen.getByTestId('confirm-cancel'));
    fireEvent.click(screen.getByTestId('confirm-cancel'));
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(taken).toEqual(['pause']);

    fireEvent.click(screen.getByTestId('action-rollback'));
    fireEvent.keyDown(screen.getByTestId('confirm-cancel'), { key: 'Escape' });
    expect(screen.queryByRole('dialog')).toBeNull();

    fireEvent.click(screen.getByTestId('action-abort'));
    await act(async () => {
      fireEvent.click(screen.getByTestId('confirm-yes'));
    });
    expect(taken).toEqual(['pause', 'abort']);
    expect(screen.queryByRole('dialog')).toBeNull();
  });

  it('withdraws a question about an action the rollout no longer offers once it ended', () => {
    const { rerender } = render(<RolloutPage state={live()} permissions={caller('operator').permissions} onAct={onAct} />);
    fireEvent.click(screen.getByTestId('action-promote'));
    expect(screen.getByRole('dialog').textContent).toContain('up to 6 more agents');
    rerender(<RolloutPage state={live({ rollout: rollout({ status: 'completed' }), live: false })} permissions={caller('operator').permissions} onAct={onAct} />);
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(taken).toEqual([]);
  });

  it("groups the failures by message with the agents under each, and says why it rolled back and what undid it", () => {
    const state = live({
      rollout: rollout({
        status: 'rolled_back',
        failureReason: 'phase phase-1 failed: 2 of 2 failed, 0 allowed',
        undoneBy: 'r-2',
        failures: [
          { message: 'unknown receiver x', agents: 2 },
          { message: 'exporter down', agents: 1 },
        ],
        phases: [phase({ state: 'failed', endedAt: 5_000 })],
      }),
      failed: [failedAgent('agent-2', 'unknown receiver x'), failedAgent('agent-1', 'unknown receiver x'), failedAgent('agent-3', 'exporter down')],
      live: false,
    });
    render(<RolloutPage state={state} permissions={caller('operator').permissions} onAct={onAct} />);
    const groups = screen.getAllByTestId('failure-group');
    expect(groups.map((group) => [within(group).getByTestId('failure-count').textContent, within(group).getByTestId('failure-message').textContent])).toEqual([
      ['2', 'unknown receiver x'],
      ['1', 'exporter down'],
    ]);
    expect(within(groups[0]!).getAllByRole('link').map((link) => [link.textContent, link.getAttribute('href')])).toEqual([
      ['agent-1', '#/agents/agent-1'],
      ['agent-2', '#/agents/agent-2'],
    ]);
    expect(screen.getByTestId('failure-reason').textContent).toBe(' · phase phase-1 failed: 2 of 2 failed, 0 allowed');
    expect(screen.getByTestId('undone-by').getAttribute('href')).toBe('#/rollouts/r-2');
    expect(screen.getByTestId('live').textContent).toBe('ended');
    expect(screen.queryByTestId('actions')).toBeNull();
  });

  it('lists the transitions newest first with their details', () => {
    render(<RolloutPage state={live()} permissions={[]} onAct={onAct} />);
    const items = within(screen.getByTestId('transitions')).getAllByRole('listitem').map((item) => item.textContent?.slice((item.querySelector('.muted')?.textContent?.length ?? 0) + 1));
    expect(items).toEqual(['PhaseStarted phase=0 name=phase-1', 'RolloutStarted matched=8 eligible=8']);
  });
});
