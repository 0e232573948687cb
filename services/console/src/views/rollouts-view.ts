import { api } from '../api-client';
import type { ConfigPage, GroupList, RolloutForecast, RolloutPage, RolloutSummary } from '../api-types';
import { h, replace, shortHash, time } from '../dom';
import { may, type Page } from '../page';
import { DEFAULT_PLAN_TEXT, parsePlanText } from '../plan-text';
import { countdown, totalProgress } from '../rollout-figures';

/** Rollouts, newest first, and (for operators) the form that starts one. */
export async function rolloutsView(page: Page, query: URLSearchParams): Promise<void> {
  const list = h('section', { 'data-testid': 'rollouts' });
  const form = may(page, 'write') ? h('section', { 'data-testid': 'start-rollout' }) : null;
  replace(page.main, h('h1', {}, 'Rollouts'), form, list);
  const status = query.get('status');
  const [rollouts, groups, configs] = await Promise.all([
    api.get<RolloutPage>(`/rollouts?limit=100${status === null ? '' : `&status=${encodeURIComponent(status)}`}`),
    api.get<GroupList>('/groups'),
    form === null ? Promise.resolve(null) : api.get<ConfigPage>('/configs?limit=1000'),
  ]);
  if (form !== null && configs !== null) replace(form, startForm(page, groups, configs));
  if (rollouts.items.length === 0) {
    replace(list, h('p', { className: 'muted' }, 'No rollout yet.'));
    return;
  }
  replace(
    list,
    h(
      'table',
      {},
      h('thead', {}, h('tr', {}, ['rollout', 'status', 'target', 'config', 'phase', 'applied', 'started'].map((title) => h('th', {}, title)))),
      h(
        'tbody',
        {},
        rollouts.items.map((rollout) =>
          h(
            'tr',
            { 'data-testid': 'rollout-row' },
            h('td', {}, h('a', { href: `#/rollouts/${encodeURIComponent(rollout.rolloutId)}` }, rollout.rolloutId)),
            h('td', {}, h('span', { className: `status status-${rollout.status}` }, rollout.status)),
            h('td', {}, rollout.target),
            h('td', {}, groups.refs[rollout.configHash] ?? shortHash(rollout.configHash)),
            h('td', {}, rollout.currentPhase ?? '—'),
            h('td', {}, `${rollout.counts.applied} of ${rollout.members} (${totalProgress(rollout)}%)`),
            h('td', {}, time(rollout.startedAt)),
          ),
        ),
      ),
    ),
  );
}

function startForm(page: Page, groups: GroupList, configs: ConfigPage): HTMLElement {
  const error = h('p', { className: 'error', role: 'alert', 'data-testid': 'start-error' });
  const forecastBox = h('div', { 'data-testid': 'forecast' });
  const versions = configs.items.map((config) => `${config.name}@${config.latestVersion}`);
  /** The last forecast and the request it was made for: a start of the same request targets exactly its canaries. */
  let forecast: { request: string; rolloutId: string } | null = null;
  const form = h(
    'form',
    {
      className: 'start',
      onsubmit: (event: Event) => {
        event.preventDefault();
        const request = startRequest(new FormData(form), error);
        if (request === null) return;
        const sameAsForecast = forecast !== null && forecast.request === JSON.stringify(request);
        void start(page, sameAsForecast && forecast !== null ? { ...request, rolloutId: forecast.rolloutId } : request);
      },
    },
    h('label', {}, 'Group ', h('select', { name: 'group' }, h('option', { value: '' }, '— or a selector —'), groups.groups.map((group) => h('option', { value: group.group }, `${group.group} (${group.agents})`)))),
    h('label', {}, 'Selector ', h('input', { name: 'selector', placeholder: 'service.environment=prod,cloud.region in (eu-west-1)', size: 40 })),
    h('label', {}, 'Config version ', h('input', { name: 'configVersion', list: 'config-versions', placeholder: 'name@version, name or hash', required: true, size: 30 })),
    h('datalist', { id: 'config-versions' }, versions.map((version) => h('option', { value: version }))),
    h('label', {}, 'Plan ', h('input', { name: 'plan', value: DEFAULT_PLAN_TEXT, size: 40 }), h('span', { className: 'muted' }, ' size and window per phase; "approve" waits for a person')),
    h('label', {}, 'When the canaries fail ', h('select', { name: 'policy' }, h('option', { value: 'rollback' }, 'roll back'), h('option', { value: 'pause' }, 'pause'))),
    h(
      'label',
      {},
      h('input', { type: 'checkbox', name: 'acceptKeepNewOnFailure' }),
      ' agents that never had a remote config keep the new one on failure (nothing to go back to)',
    ),
    h('label', {}, 'Baseline for those agents ', h('input', { name: 'baselineConfigHash', placeholder: 'name@version to send them back to (optional)', size: 30 })),
    h(
      'div',
      { className: 'actions' },
      h(
        'button',
        {
          type: 'button',
          className: 'action-pause',
          'data-testid': 'forecast-button',
          onclick: () => {
            const request = startRequest(new FormData(form), error);
            if (request === null) return;
            void (async () => {
              try {
                const answer = await api.post<RolloutForecast>('/rollouts:plan', request);
                forecast = { request: JSON.stringify(request), rolloutId: answer.rolloutId };
                forecastBox.dataset.rolloutId = answer.rolloutId;
                replace(forecastBox, forecastView(answer));
              } catch (failure) {
                replace(forecastBox);
                page.problem(failure);
              }
            })();
          },
        },
        'Forecast (dry run)',
      ),
      h('button', { type: 'submit', 'data-testid': 'start-button' }, 'Start rollout'),
    ),
    error,
    forecastBox,
  );
  return h('details', { open: true }, h('summary', {}, 'Start a rollout'), form);
}

/** The start request the form describes, or null (with the reason shown) when it cannot be sent. */
function startRequest(data: FormData, error: HTMLElement): Record<string, unknown> | null {
  const text = (name: string): string => String(data.get(name) ?? '').trim();
  error.textContent = '';
  const plan = parsePlanText(text('plan'));
  if (!plan.ok) {
    error.textContent = plan.error;
    return null;
  }
  if ((text('group') === '') === (text('selector') === '')) {
    error.textContent = 'Choose a group or type a selector (one of them).';
    return null;
  }
  return {
    target: text('group') !== '' ? { group: text('group') } : { selector: text('selector') },
    configVersion: text('configVersion'),
    plan: plan.plan,
    policy: text('policy'),
    ...(data.get('acceptKeepNewOnFailure') === null ? {} : { acceptKeepNewOnFailure: true }),
    ...(text('baselineConfigHash') === '' ? {} : { baselineConfigHash: text('baselineConfigHash') }),
  };
}

async function start(page: Page, request: Record<string, unknown>): Promise<void> {
  try {
    const started = await api.post<RolloutSummary>('/rollouts', request);
    page.go(`#/rollouts/${encodeURIComponent(started.rolloutId)}`);
  } catch (failure) {
    page.problem(failure);
  }
}

function forecastView(forecast: RolloutForecast): HTMLElement {
  const skipped = Object.entries(forecast.skipped).filter(([, count]) => count > 0);
  return h(
    'div',
    { className: 'forecast' },
    h('p', {}, `${forecast.members} of ${forecast.matched} matched agents would take part; at the earliest ${countdown(forecast.earliestMs)} (m:ss) to the end.`),
    h(
      'table',
      {},
      h('thead', {}, h('tr', {}, ['phase', 'size', 'new agents', 'in total', 'window', 'sample'].map((title) => h('th', {}, title)))),
      h(
        'tbody',
        {},
        forecast.phases.map((phase) =>
          h(
            'tr',
            { 'data-testid': 'forecast-phase' },
            h('td', {}, phase.name),
            h('td', {}, phase.size),
            h('td', {}, phase.agents),
            h('td', {}, phase.cumulative),
            h('td', {}, phase.windowMs === 0 ? '—' : countdown(phase.windowMs)),
            h('td', { className: 'muted' }, phase.sample.join(', ')),
          ),
        ),
      ),
    ),
    skipped.length === 0 ? null : h('p', { 'data-testid': 'forecast-skipped' }, 'Skipped: ', skipped.map(([reason, count]) => `${count} × ${reason.replace(/_/g, ' ')}`).join(', ')),
    forecast.warnings.length === 0 ? null : h('ul', { className: 'error' }, forecast.warnings.map((warning) => h('li', {}, warning.message))),
  );
}
