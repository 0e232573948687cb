import { api, followEvents } from '../api-client';
import type { ServerSentEvent } from '../event-stream';
import type { ConfigVersion, Phase, Rollout, RolloutAgent, RolloutAgentPage } from '../api-types';
import { h, replace, shortHash, time } from '../dom';
import type { Page } from '../page';
import { countdown, failureGroups, gateText, isEnded, outcomeEntries, phaseProgress, rolloutActions, skippedEntries, totalProgress, windowLeftMs, type RolloutAction } from '../rollout-figures';

interface LiveState {
  rollout: Rollout;
  failed: RolloutAgent[];
  skipped: RolloutAgent[];
  configName: string;
  /** Whether the event stream is following (false once it ended or failed). */
  live: boolean;
}

/**
 * A rollout's live page: read once, then kept current by its server-sent events (read through
 * fetch, the token in the header); each event re-reads the transitions and failed agents.
 */
export async function rolloutView(page: Page, rolloutId: string): Promise<void> {
  const path = `/rollouts/${encodeURIComponent(rolloutId)}`;
  const [rollout, failed, skipped] = await Promise.all([api.get<Rollout>(path), agentsIn(path, 'failed'), agentsIn(path, 'skipped')]);
  const config = await api.get<ConfigVersion>(`/configs/${rollout.configHash}`).catch(() => null);
  const state: LiveState = { rollout, failed, skipped, configName: config?.name ?? shortHash(rollout.configHash), live: !isEnded(rollout.status) };
  // A read still in flight when the person navigated away must not draw over the next page.
  const draw = (): void => {
    if (!page.signal.aborted) replace(page.main, render(page, state));
  };
  draw();

  const ticker = setInterval(() => tick(page.main), 1_000);
  page.signal.addEventListener('abort', () => clearInterval(ticker));
  if (isEnded(rollout.status)) return;

  let refreshing: Promise<void> | null = null;
  const refresh = (): Promise<void> =>
    (refreshing ??= (async () => {
      const [full, failedNow, skippedNow] = await Promise.all([api.get<Rollout>(path), agentsIn(path, 'failed'), agentsIn(path, 'skipped')]);
      if (full.version >= state.rollout.version) state.rollout = full;
      state.failed = failedNow;
      state.skipped = skippedNow;
    })().finally(() => {
      refreshing = null;
    }));
  // Followed until the rollout ends: a stream cut short (a restarted admin API, a proxy's
  // timeout) is followed again after a re-read, so a shared screen never goes stale silently.
  const onEvent = (event: ServerSentEvent): void => {
    if (event.event !== 'rollout') return;
    const next = JSON.parse(event.data) as Rollout;
    if (next.version < state.rollout.version) return;
    state.rollout = { ...next, transitions: state.rollout.transitions };
    state.live = true;
    draw();
    void refresh().then(draw, page.problem);
  };
  while (!page.signal.aborted && !isEnded(state.rollout.status)) {
    try {
      await followEvents(`${path}/events`, onEvent, page.signal);
      await refresh();
      page.problem(null);
    } catch (error) {
      if (page.signal.aborted) break;
      state.live = false;
      page.problem(error);
    }
    draw();
    if (!isEnded(state.rollout.status)) await pause(RECONNECT_MS, page.signal);
  }
  state.live = false;
  draw();
}

const RECONNECT_MS = 2_000;

function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

const agentsIn = async (path: string, state: string): Promise<RolloutAgent[]> => (await api.get<RolloutAgentPage>(`${path}/agents?state=${state}&limit=500`)).items;

function render(page: Page, state: LiveState): HTMLElement {
  const { rollout } = state;
  return h(
    'div',
    { className: 'rollout', 'data-testid': 'rollout-page', 'data-version': rollout.version },
    h(
      'header',
      { className: 'rollout-head' },
      h('h1', {}, rollout.rolloutId),
      h('span', { className: `status status-${rollout.status}`, 'data-testid': 'rollout-status' }, rollout.status.replace('_', ' ')),
      h('span', { className: 'muted', 'data-testid': 'live' }, state.live ? '● live' : 'ended'),
    ),
    h(
      'p',
      { className: 'summary' },
      `${rollout.target} · config ${state.configName} (${shortHash(rollout.configHash)}) · threshold ${Math.round(rollout.threshold * 100)}% · on failure: ${rollout.policy}`,
      rollout.failureReason === null ? null : h('span', { className: 'error', 'data-testid': 'failure-reason' }, ` · ${rollout.failureReason}`),
      linkedRollout('undo of', rollout.undoOf, 'undo-of'),
      linkedRollout('undone by', rollout.undoneBy, 'undone-by'),
    ),
    actionBar(page, rollout),
    h(
      'section',
      { className: 'total' },
      h('h2', {}, 'Progress'),
      bar(totalProgress(rollout), `${rollout.counts.applied} of ${rollout.members} agents applied`, 'total-progress'),
      h('ul', { className: 'counts', 'data-testid': 'counts' }, outcomeEntries(rollout.counts).map(([name, count]) => h('li', { className: `count-${name}`, 'data-testid': `count-${name}` }, h('strong', {}, count), ` ${name}`))),
    ),
    h('section', {}, h('h2', {}, 'Phases'), h('ol', { className: 'timeline', 'data-testid': 'phases' }, rollout.phases.map((phase) => phaseItem(phase, rollout.phaseIndex)))),
    failuresSection(state),
    skippedSection(state),
    transitionsSection(rollout),
  );
}

function bar(percent: number, label: string, testId: string): HTMLElement {
  const fill = h('div', { className: 'fill' });
  // Set through the CSSOM: the page's content security policy refuses style attributes.
  fill.style.width = `${percent}%`;
  return h('div', { className: 'bar', role: 'progressbar', 'aria-valuenow': percent, 'aria-valuemin': 0, 'aria-valuemax': 100, 'aria-label': label, 'data-testid': testId }, fill, h('span', {}, label));
}

function phaseItem(phase: Phase, current: number): HTMLElement {
  const left = windowLeftMs(phase, Date.now());
  return h(
    'li',
    { className: `phase phase-${phase.state}${phase.index === current ? ' current' : ''}`, 'data-testid': `phase-${phase.index}`, 'data-state': phase.state },
    h('div', { className: 'phase-title' }, h('strong', {}, phase.name), ` ${phase.size}`, h('span', { className: 'phase-state', 'data-testid': 'phase-state' }, phase.state.replace('_', ' '))),
    bar(phaseProgress(phase), `${phase.applied} applied, ${phase.failed} failed of ${phase.targeted} targeted`, `phase-progress-${phase.index}`),
    h('div', { className: 'gate', 'data-testid': `gate-${phase.index}` }, gateText(phase)),
    left === null
      ? h('div', { className: 'muted' }, phase.endedAt !== null ? `ended ${time(phase.endedAt)}${phase.passedBy === null ? '' : ` (passed by ${phase.passedBy})`}` : phase.windowMs === 0 ? 'no window' : `window ${countdown(phase.windowMs)}`)
      : h('div', { className: 'window' }, 'window ends in ', h('span', { 'data-countdown': phase.windowEndsAt ?? 0, 'data-testid': 'countdown' }, countdown(left))),
    phase.state === 'awaiting_approval' ? h('div', { className: 'error' }, 'waiting for approval') : null,
  );
}

/** Counts each window down between events. */
function tick(root: HTMLElement): void {
  for (const element of root.querySelectorAll<HTMLElement>('[data-countdown]')) element.textContent = countdown(Number(element.dataset.countdown) - Date.now());
}

/** " · undo of <link>": the rollout an undo is linked to, or null. */
function linkedRollout(words: string, rolloutId: string | null, testId: string): (Node | string)[] | null {
  if (rolloutId === null) return null;
  return [` · ${words} `, h('a', { href: `#/rollouts/${encodeURIComponent(rolloutId)}`, 'data-testid': testId }, rolloutId)];
}

function actionBar(page: Page, rollout: Rollout): HTMLElement | null {
  const actions = rolloutActions(rollout, page.caller?.permissions ?? []);
  if (actions.length === 0) return null;
  return h('div', { className: 'actions', 'data-testid': 'actions' }, actions.map((action) => h('button', { 'data-testid': `action-${action.verb}`, className: `action-${action.verb}`, onclick: () => void act(page, rollout, action) }, action.label)));
}

async function act(page: Page, rollout: Rollout, action: RolloutAction): Promise<void> {
  if (action.confirm !== null && !window.confirm(action.confirm)) return;
  const path = `/rollouts/${encodeURIComponent(rollout.rolloutId)}/${action.verb}`;
  try {
    if (action.verb === 'undo') {
      // The undo is a rollout of its own: follow it on its page.
      const undo = await api.post<{ rolloutId: string }>(path, {});
      page.problem(null);
      page.go(`#/rollouts/${encodeURIComponent(undo.rolloutId)}`);
      return;
    }
    await api.post(path, { reason: `from the console by ${page.caller?.name ?? 'someone'}` });
    page.problem(null);
  } catch (error) {
    page.problem(error);
  }
}

function failuresSection(state: LiveState): HTMLElement | null {
  const groups = failureGroups(state.rollout.failures, state.failed);
  if (groups.length === 0) return null;
  return h(
    'section',
    { 'data-testid': 'failures' },
    h('h2', {}, 'Failures'),
    groups.map((group) =>
      h(
        'details',
        { className: 'failure-group', open: true, 'data-testid': 'failure-group' },
        h('summary', {}, h('strong', { 'data-testid': 'failure-count' }, group.count), ' × ', h('span', { 'data-testid': 'failure-message' }, group.message)),
        h(
          'ul',
          {},
          group.agentIds.map((id) =>
            h('li', {}, h('a', { href: `#/agents/${encodeURIComponent(id)}` }, id), group.otherDetails[id] === undefined ? null : h('span', { className: 'muted' }, ` — also: ${group.otherDetails[id]?.join('; ')}`)),
          ),
        ),
      ),
    ),
  );
}

function skippedSection(state: LiveState): HTMLElement | null {
  const reasons = skippedEntries(state.rollout.skippedBy);
  if (reasons.length === 0) return null;
  return h(
    'section',
    { 'data-testid': 'skipped' },
    h('h2', {}, 'Skipped'),
    h('ul', {}, reasons.map(([reason, count]) => h('li', {}, `${count} × ${reason.replace(/_/g, ' ')}`))),
    h('p', { className: 'muted' }, state.skipped.map((agent) => agent.agentId).join(', ')),
  );
}

function transitionsSection(rollout: Rollout): HTMLElement {
  const transitions = [...(rollout.transitions ?? [])].reverse();
  return h(
    'section',
    {},
    h('h2', {}, 'Transitions'),
    h(
      'ol',
      { className: 'transitions', 'data-testid': 'transitions' },
      transitions.map((t) =>
        h('li', {}, h('span', { className: 'muted' }, time(t.at)), ' ', h('strong', {}, t.type), ' ', Object.entries(t.details).map(([key, value]) => `${key}=${String(value)}`).join(' ')),
      ),
    ),
  );
}
