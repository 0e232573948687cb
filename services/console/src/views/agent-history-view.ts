import { agentEventText } from '../agent-event-text';
import type { AgentEventLog, AgentRolloutPage } from '../api-types';
import { h, time } from '../dom';

/** The agent's recent fleet events, newest first. */
export function recentEvents(log: AgentEventLog, configName: (hash: string) => string): HTMLElement {
  if (log.items.length === 0) return h('p', { className: 'muted', 'data-testid': 'agent-events' }, 'No event recorded for this agent.');
  return h(
    'table',
    { 'data-testid': 'agent-events' },
    h('thead', {}, h('tr', {}, ['when', 'event', 'what changed'].map((title) => h('th', {}, title)))),
    h(
      'tbody',
      {},
      log.items.map((event) => h('tr', { 'data-testid': 'agent-event' }, h('td', {}, time(event.at)), h('td', {}, event.type), h('td', {}, agentEventText(event, configName)))),
    ),
  );
}

/** The rollouts the agent took part in, newest first, with where it stands in each. */
export function agentRollouts(page: AgentRolloutPage, configName: (hash: string) => string): HTMLElement {
  if (page.items.length === 0) return h('p', { className: 'muted', 'data-testid': 'agent-rollouts' }, 'This agent has taken part in no rollout.');
  return h(
    'div',
    {},
    page.total > page.items.length ? h('p', { className: 'muted' }, `The ${page.items.length} newest of ${page.total}.`) : null,
    h(
      'table',
      { 'data-testid': 'agent-rollouts' },
      h('thead', {}, h('tr', {}, ['rollout', 'status', 'config', 'phase', 'this agent', 'started'].map((title) => h('th', {}, title)))),
      h(
        'tbody',
        {},
        page.items.map(({ rollout, outcome }) =>
          h(
            'tr',
            { 'data-testid': 'agent-rollout' },
            h('td', {}, h('a', { href: `#/rollouts/${encodeURIComponent(rollout.rolloutId)}` }, rollout.rolloutId)),
            h('td', {}, h('span', { className: `status status-${rollout.status}` }, rollout.status)),
            h('td', {}, configName(rollout.configHash)),
            h('td', {}, outcome.phase === null ? '—' : String(outcome.phase + 1)),
            h('td', { 'data-testid': 'agent-outcome' }, `${outcome.state}${outcome.error === null ? '' : ` — ${outcome.error}`}`),
            h('td', {}, time(rollout.startedAt)),
          ),
        ),
      ),
    ),
  );
}
