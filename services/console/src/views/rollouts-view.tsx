import { api } from '../api-client';
import type { ConfigPage, GroupList, RolloutForecast, RolloutPage, RolloutSummary } from '../api-types';
import { shortHash, time } from '../format';
import { totalProgress } from '../rollout-figures';
import { hrefs } from '../route';
import { may, useLoad, useSession } from '../session';
import { StartRolloutForm, type StartRequest } from './start-rollout-form';

/** Rollouts, newest first (`?status=` filters), and for operators the form that starts one. */
export function RolloutsView({ query }: { query: URLSearchParams }) {
  const { caller, go, problem } = useSession();
  const canStart = may(caller, 'write');
  const data = useLoad(async (signal) => {
    const status = query.get('status');
    const [rollouts, groups, configs] = await Promise.all([
      api.get<RolloutPage>(`/rollouts?limit=100${status === null ? '' : `&status=${encodeURIComponent(status)}`}`, signal),
      api.get<GroupList>('/groups', signal),
      canStart ? api.get<ConfigPage>('/configs?limit=1000', signal) : null,
    ]);
    return { rollouts, groups, configs };
  });
  const forecast = (request: StartRequest) => api.post<RolloutForecast>('/rollouts:plan', request);
  const start = async (request: StartRequest) => {
    try {
      const started = await api.post<RolloutSummary>('/rollouts', request);
      go(hrefs.rollout(started.rolloutId));
    } catch (failure) {
      problem(failure);
    }
  };
  return (
    <>
      <h1>Rollouts</h1>
      {canStart ? (
        <section data-testid="start-rollout" aria-busy={data === null}>
          {data?.configs === null || data?.configs === undefined ? null : <StartRolloutForm groups={data.groups} configs={data.configs} forecast={forecast} start={start} onForecastFailed={problem} />}
        </section>
      ) : null}
      <section data-testid="rollouts" aria-busy={data === null}>
        {data === null ? null : <RolloutList rollouts={data.rollouts} groups={data.groups} />}
      </section>
    </>
  );
}

export function RolloutList({ rollouts, groups }: { rollouts: RolloutPage; groups: GroupList }) {
  if (rollouts.items.length === 0) return <p class="muted">No rollout yet.</p>;
  return (
    <table>
      <thead>
        <tr>
          {['rollout', 'status', 'target', 'config', 'phase', 'applied', 'started'].map((title) => (
            <th key={title}>{title}</th>
          ))}
        </tr>
      </thead>
      <tbody>
        {rollouts.items.map((rollout) => (
          <tr key={rollout.rolloutId} data-testid="rollout-row">
            <td>
              <a href={hrefs.rollout(rollout.rolloutId)}>{rollout.rolloutId}</a>
            </td>
            <td>
              <span class={`status status-${rollout.status}`}>{rollout.status}</span>
            </td>
            <td>{rollout.target}</td>
            <td>{groups.refs[rollout.configHash] ?? shortHash(rollout.configHash)}</td>
            <td>{rollout.currentPhase ?? '—'}</td>
            <td>{`${rollout.counts.applied} of ${rollout.members} (${totalProgress(rollout)}%)`}</td>
            <td>{time(rollout.startedAt)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
