import { useEffect, useState } from 'preact/hooks';
import { api } from '../api-client';
import type { Permission, Phase, Rollout } from '../api-types';
import { shortHash, time } from '../format';
import { followRollout, type LiveRollout } from '../live-rollout';
import { dataPlaneView } from '../data-plane-figures';
import { countdown, failureGroups, gateText, outcomeEntries, phaseProgress, rolloutActions, skippedEntries, totalProgress, windowLeftMs, type RolloutAction } from '../rollout-figures';
import { hrefs } from '../route';
import { useNow, useSession } from '../session';
import { ConfirmDialog } from './confirm-dialog';

/** A rollout's live page: followed over its server-sent events until it ends or the person leaves. */
export function RolloutView({ rolloutId }: { rolloutId: string }) {
  const { caller, problem, go } = useSession();
  const [state, setState] = useState<LiveRollout | null>(null);
  useEffect(() => {
    const controller = new AbortController();
    const report = (error: unknown) => {
      if (!controller.signal.aborted) problem(error);
    };
    followRollout(rolloutId, setState, report, controller.signal).catch(report);
    return () => controller.abort();
  }, [rolloutId]);
  const act = async (action: RolloutAction) => {
    const path = `/rollouts/${encodeURIComponent(rolloutId)}/${action.verb}`;
    try {
      if (action.verb === 'undo') {
        // The undo is a rollout of its own: follow it on its page.
        const undo = await api.post<{ rolloutId: string }>(path, {});
        problem(null);
        go(hrefs.rollout(undo.rolloutId));
        return;
      }
      await api.post(path, { reason: `from the console by ${caller?.name ?? 'someone'}` });
      problem(null);
    } catch (error) {
      problem(error);
    }
  };
  if (state === null) {
    return (
      <h1 aria-busy="true">
        Rollout <code>{rolloutId}</code>
      </h1>
    );
  }
  return <RolloutPage state={state} permissions={caller?.permissions ?? []} onAct={act} />;
}

export interface RolloutPageProps {
  readonly state: LiveRollout;
  /** The caller's: actions are offered only to roles that may write. */
  readonly permissions: readonly Permission[];
  /** Takes an action the person chose (and confirmed, where it asks). */
  onAct(action: RolloutAction): Promise<void>;
}

/** A rollout as it stands: status, actions, progress, the phases as a timeline, failures, skipped agents and transitions. */
export function RolloutPage({ state, permissions, onAct }: RolloutPageProps) {
  const { rollout } = state;
  const [asking, setAsking] = useState<RolloutAction['verb'] | null>(null);
  const [acting, setActing] = useState<RolloutAction['verb'] | null>(null);
  const actions = rolloutActions(rollout, permissions);
  // Asked in the rollout's words as it stands now; withdrawn when the rollout no longer offers it (it ended meanwhile).
  const asked = actions.find((action) => action.verb === asking && action.confirm !== null);
  const take = async (action: RolloutAction) => {
    setAsking(null);
    setActing(action.verb);
    await onAct(action);
    setActing(null);
  };
  return (
    <div class="rollout" data-testid="rollout-page" data-version={rollout.version}>
      <header class="rollout-head">
        <h1>{rollout.rolloutId}</h1>
        <span class={`status status-${rollout.status}`} data-testid="rollout-status">
          {rollout.status.replace('_', ' ')}
        </span>
        <span class="muted" data-testid="live">
          {state.live ? '● live' : 'ended'}
        </span>
      </header>
      <p class="summary">
        {`${rollout.target} · config ${state.configName} (${shortHash(rollout.configHash)}) · threshold ${Math.round(rollout.threshold * 100)}% · on failure: ${rollout.policy}`}
        {rollout.failureReason === null ? null : <span class="error" data-testid="failure-reason">{` · ${rollout.failureReason}`}</span>}
        <LinkedRollout words="undo of" rolloutId={rollout.undoOf} testId="undo-of" />
        <LinkedRollout words="undone by" rolloutId={rollout.undoneBy} testId="undone-by" />
      </p>
      {actions.length === 0 ? null : (
        <div class="actions" data-testid="actions">
          {actions.map((action) => (
            <button
              key={action.verb}
              type="button"
              data-testid={`action-${action.verb}`}
              class={`action-${action.verb}`}
              aria-busy={acting === action.verb}
              disabled={acting !== null}
              onClick={() => (action.confirm === null ? void take(action) : setAsking(action.verb))}
            >
              {action.label}
            </button>
          ))}
        </div>
      )}
      {asked === undefined ? null : (
        <ConfirmDialog question={asked.confirm ?? ''} confirm={asked.label} danger={asked.verb === 'abort' || asked.verb === 'rollback'} onConfirm={() => void take(asked)} onCancel={() => setAsking(null)} />
      )}
      <section class="total">
        <h2>Progress</h2>
        <Bar percent={totalProgress(rollout)} label={`${rollout.counts.applied} of ${rollout.members} agents applied`} testId="total-progress" />
        <ul class="counts" data-testid="counts">
          {outcomeEntries(rollout.counts).map(([name, count]) => (
            <li key={name} class={`count-${name}`} data-testid={`count-${name}`}>
              <strong>{count}</strong> {name}
            </li>
          ))}
        </ul>
      </section>
      <section>
        <h2>Phases</h2>
        <ol class="timeline" data-testid="phases">
          {rollout.phases.map((phase) => (
            <PhaseItem key={phase.index} phase={phase} current={rollout.phaseIndex} />
          ))}
        </ol>
      </section>
      <DataPlaneGates phases={rollout.phases} />
      <Failures state={state} />
      <Skipped state={state} />
      <Transitions rollout={rollout} />
    </div>
  );
}

function Bar({ percent, label, testId }: { percent: number; label: string; testId: string }) {
  return (
    <div class="bar" data-testid={testId}>
      <progress value={percent} max={100} aria-label={label} />
      <span>{label}</span>
    </div>
  );
}

function PhaseItem({ phase, current }: { phase: Phase; current: number }) {
  return (
    <li class={`phase phase-${phase.state}${phase.index === current ? ' current' : ''}`} data-testid={`phase-${phase.index}`} data-state={phase.state} aria-current={phase.index === current ? 'step' : undefined}>
      <div class="phase-title">
        <strong>{phase.name}</strong> {phase.size}
        <span class="phase-state" data-testid="phase-state">
          {phase.state.replace('_', ' ')}
        </span>
      </div>
      <Bar percent={phaseProgress(phase)} label={`${phase.applied} applied, ${phase.failed} failed of ${phase.targeted} targeted`} testId={`phase-progress-${phase.index}`} />
      <div class="gate" data-testid={`gate-${phase.index}`}>
        {gateText(phase)}
      </div>
      <DataPlaneHeadline phase={phase} />
      {phase.state === 'running' && phase.windowEndsAt !== null ? (
        <PhaseWindow phase={phase} />
      ) : (
        <div class="muted">{phase.endedAt !== null ? `ended ${time(phase.endedAt)}${phase.passedBy === null ? '' : ` (passed by ${phase.passedBy})`}` : phase.windowMs === 0 ? 'no window' : `window ${countdown(phase.windowMs)}`}</div>
      )}
      {phase.state === 'awaiting_approval' ? <div class="error">waiting for approval</div> : null}
    </li>
  );
}

/** The phase card's one line on its data-plane gates (passed, failed, waiting for data, not judged). */
function DataPlaneHeadline({ phase }: { phase: Phase }) {
  const view = dataPlaneView(phase);
  if (view === null) return null;
  return (
    <div class={`data-plane-headline data-plane-${view.state}`} data-testid={`data-plane-headline-${phase.index}`}>
      {view.headline}
    </div>
  );
}

/**
 * Each judged (or waiting) phase's data-plane gates: per gate the canary's figure against the
 * control's and the threshold it was compared with, the outcome and why; then the cohorts (how
 * many report their own metrics, how many are judged by apply and health only) and the notes.
 */
function DataPlaneGates({ phases }: { phases: readonly Phase[] }) {
  const judged = phases.flatMap((phase) => {
    const view = dataPlaneView(phase);
    return view === null ? [] : [{ phase, view }];
  });
  if (judged.length === 0) return null;
  return (
    <section data-testid="data-plane">
      <h2>Data-plane gates</h2>
      {judged.map(({ phase, view }) => (
        <div key={phase.index} class={`data-plane data-plane-${view.state}`} data-testid={`data-plane-${phase.index}`} data-state={view.state}>
          <h3>
            {phase.name} <span class="muted">{view.headline}</span>
          </h3>
          <table class="data-plane-gates">
            <thead>
              <tr>
                <th scope="col">gate</th>
                <th scope="col">canary</th>
                <th scope="col">control</th>
                <th scope="col">threshold</th>
                <th scope="col">result</th>
              </tr>
            </thead>
            <tbody>
              {view.rows.map((row) => (
                <tr key={row.gate} class={`gate-${row.outcome}`} data-testid="data-plane-gate">
                  <td>
                    <code>{row.gate}</code>
                  </td>
                  <td data-testid="gate-canary">{row.canary}</td>
                  <td data-testid="gate-control">{row.control}</td>
                  <td data-testid="gate-threshold">{row.threshold}</td>
                  <td data-testid="gate-outcome">
                    <strong>{row.outcomeText}</strong>
                    {row.note === null ? null : <span data-testid="gate-note">{` — ${row.note}`}</span>}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <ul class="data-plane-cohorts" data-testid="data-plane-cohorts">
            {view.cohorts.map((line) => (
              <li key={line}>{line}</li>
            ))}
          </ul>
          {view.waiting === null ? null : (
            <p class="muted" data-testid="data-plane-waiting">
              {view.waiting}
            </p>
          )}
          {view.notes.map((note) => (
            <p key={note} class="muted" data-testid="data-plane-note">
              {note}
            </p>
          ))}
        </div>
      ))}
    </section>
  );
}

/** A running phase's window counting down, every second between events. */
function PhaseWindow({ phase }: { phase: Phase }) {
  const left = windowLeftMs(phase, useNow(1_000)) ?? 0;
  return (
    <div class="window">
      window ends in <span data-testid="countdown">{countdown(left)}</span>
    </div>
  );
}

/** " · undo of <link>": the rollout an undo is linked to. */
function LinkedRollout({ words, rolloutId, testId }: { words: string; rolloutId: string | null; testId: string }) {
  if (rolloutId === null) return null;
  return (
    <>
      {` · ${words} `}
      <a href={hrefs.rollout(rolloutId)} data-testid={testId}>
        {rolloutId}
      </a>
    </>
  );
}

function Failures({ state }: { state: LiveRollout }) {
  const groups = failureGroups(state.rollout.failures, state.failed);
  if (groups.length === 0) return null;
  return (
    <section data-testid="failures">
      <h2>Failures</h2>
      {groups.map((group) => (
        <details key={group.message} class="failure-group" open data-testid="failure-group">
          <summary>
            <strong data-testid="failure-count">{group.count}</strong> × <span data-testid="failure-message">{group.message}</span>
          </summary>
          <ul>
            {group.agentIds.map((id) => (
              <li key={id}>
                <a href={hrefs.agent(id)}>{id}</a>
                {group.otherDetails[id] === undefined ? null : <span class="muted">{` — also: ${group.otherDetails[id]?.join('; ')}`}</span>}
              </li>
            ))}
          </ul>
        </details>
      ))}
    </section>
  );
}

function Skipped({ state }: { state: LiveRollout }) {
  const reasons = skippedEntries(state.rollout.skippedBy);
  if (reasons.length === 0) return null;
  return (
    <section data-testid="skipped">
      <h2>Skipped</h2>
      <ul>
        {reasons.map(([reason, count]) => (
          <li key={reason}>{`${count} × ${reason.replace(/_/g, ' ')}`}</li>
        ))}
      </ul>
      <p class="muted">{state.skipped.map((agent) => agent.agentId).join(', ')}</p>
    </section>
  );
}

function Transitions({ rollout }: { rollout: Rollout }) {
  const transitions = [...(rollout.transitions ?? [])].reverse();
  return (
    <section>
      <h2>Transitions</h2>
      <ol class="transitions" data-testid="transitions">
        {transitions.map((t, index) => (
          <li key={transitions.length - index}>
            <span class="muted">{time(t.at)}</span> <strong>{t.type}</strong>{' '}
            {Object.entries(t.details)
              .map(([key, value]) => `${key}=${String(value)}`)
              .join(' ')}
          </li>
        ))}
      </ol>
    </section>
  );
}
