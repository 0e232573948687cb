import { agentEventText } from '../agent-event-text';
import type { AgentEventLog, AgentRolloutPage } from '../api-types';
import { time } from '../format';
import { hrefs } from '../route';

/** The agent's recent fleet events, newest first. */
export function AgentEvents({ log, configName }: { log: AgentEventLog; configName: (hash: string) => string }) {
  if (log.items.length === 0) {
    return (
      <p class="muted" data-testid="agent-events">
        No event recorded for this agent.
      </p>
    );
  }
  return (
    <table data-testid="agent-events">
      <thead>
        <tr>
          <th>when</th>
          <th>event</th>
          <th>what changed</th>
        </tr>
      </thead>
      <tbody>
        {log.items.map((event) => (
          <tr key={event.id} data-testid="agent-event">
            <td>{time(event.at)}</td>
            <td>{event.type}</td>
            <td>{agentEventText(event, configName)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** The rollouts the agent took part in, newest first, with where it stands in each. */
export function AgentRollouts({ page, configName }: { page: AgentRolloutPage; configName: (hash: string) => string }) {
  if (page.items.length === 0) {
    return (
      <p class="muted" data-testid="agent-rollouts">
        This agent has taken part in no rollout.
      </p>
    );
  }
  return (
    <div>
      {page.total > page.items.length ? (
        <p class="muted">
          The {page.items.length} newest of {page.total}.
        </p>
      ) : null}
      <table data-testid="agent-rollouts">
        <thead>
          <tr>
            {['rollout', 'status', 'config', 'phase', 'this agent', 'started'].map((title) => (
              <th key={title}>{title}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          {page.items.map(({ rollout, outcome }) => (
            <tr key={rollout.rolloutId} data-testid="agent-rollout">
              <td>
                <a href={hrefs.rollout(rollout.rolloutId)}>{rollout.rolloutId}</a>
              </td>
              <td>
                <span class={`status status-${rollout.status}`}>{rollout.status}</span>
              </td>
              <td>{configName(rollout.configHash)}</td>
              <td>{outcome.phase === null ? '—' : String(outcome.phase + 1)}</td>
              <td data-testid="agent-outcome">{`${outcome.state}${outcome.error === null ? '' : ` — ${outcome.error}`}`}</td>
              <td>{time(rollout.startedAt)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
