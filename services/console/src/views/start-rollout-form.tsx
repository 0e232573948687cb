import { useState } from 'preact/hooks';
import type { ConfigPage, GroupList, RolloutForecast, StartRolloutRequest } from '../api-types';
import { DEFAULT_PLAN_TEXT } from '../plan-text';
import { countdown } from '../rollout-figures';
import { startRequest, type StartFields } from '../start-request';

export type StartRequest = StartRolloutRequest;

export interface StartRolloutFormProps {
  readonly groups: GroupList;
  readonly configs: ConfigPage;
  /** The dry run: who each phase would reach (`POST /rollouts:plan`). */
  forecast(request: StartRequest): Promise<RolloutForecast>;
  start(request: StartRequest): Promise<void>;
  onForecastFailed(error: unknown): void;
}

const EMPTY: StartFields = { group: '', selector: '', configVersion: '', plan: DEFAULT_PLAN_TEXT, policy: 'rollback', acceptKeepNewOnFailure: false, baselineConfigHash: '' };

/**
 * Starts a rollout: group or selector, config version, plan (the default filled in), policy and
 * what agents that never had a remote config get. A forecast first shows who each phase would
 * reach; starting the same request then reuses the forecast's rollout id, so it targets exactly
 * the forecast canaries.
 */
export function StartRolloutForm({ groups, configs, forecast, start, onForecastFailed }: StartRolloutFormProps) {
  const [fields, setFields] = useState<StartFields>(EMPTY);
  const [error, setError] = useState('');
  const [forecasted, setForecasted] = useState<{ request: string; answer: RolloutForecast } | null>(null);
  const [busy, setBusy] = useState<'forecast' | 'start' | null>(null);
  const text = (name: 'group' | 'selector' | 'configVersion' | 'plan' | 'baselineConfigHash') => ({
    name,
    value: fields[name],
    onInput: (event: Event) => setFields({ ...fields, [name]: (event.currentTarget as HTMLInputElement).value }),
  });
  const request = (): StartRequest | null => {
    const made = startRequest(fields);
    setError(made.ok ? '' : made.error);
    return made.ok ? made.request : null;
  };
  const onForecast = async () => {
    const asked = request();
    if (asked === null) return;
    setBusy('forecast');
    try {
      setForecasted({ request: JSON.stringify(asked), answer: await forecast(asked) });
    } catch (failure) {
      setForecasted(null);
      onForecastFailed(failure);
    } finally {
      setBusy(null);
    }
  };
  const onStart = async (event: Event) => {
    event.preventDefault();
    const asked = request();
    if (asked === null) return;
    const same = forecasted !== null && forecasted.request === JSON.stringify(asked);
    setBusy('start');
    await start(same ? { ...asked, rolloutId: forecasted.answer.rolloutId } : asked);
    setBusy(null);
  };
  return (
    <details open>
      <summary>Start a rollout</summary>
      <form class="start" onSubmit={(event) => void onStart(event)}>
        <div class="grid">
          <label>
            Group
            <select {...text('group')} onChange={text('group').onInput}>
              <option value="">— or a selector —</option>
              {groups.groups.map((group) => (
                <option key={group.group} value={group.group}>{`${group.group} (${group.agents})`}</option>
              ))}
            </select>
          </label>
          <label>
            Selector
            <input {...text('selector')} placeholder="service.environment=prod,cloud.region in (eu-west-1)" />
          </label>
        </div>
        <div class="grid">
          <label>
            Config version
            <input {...text('configVersion')} list="config-versions" placeholder="name@version, name or hash" required />
            <datalist id="config-versions">
              {configs.items.map((config) => (
                <option key={config.name} value={`${config.name}@${config.latestVersion}`} />
              ))}
            </datalist>
          </label>
          <label>
            Plan
            <input {...text('plan')} aria-describedby="plan-help" />
            <small id="plan-help">size and window per phase; "approve" waits for a person</small>
          </label>
        </div>
        <div class="grid">
          <label>
            When the canaries fail
            <select name="policy" value={fields.policy} onChange={(event) => setFields({ ...fields, policy: event.currentTarget.value === 'pause' ? 'pause' : 'rollback' })}>
              <option value="rollback">roll back</option>
              <option value="pause">pause</option>
            </select>
          </label>
          <label>
            Baseline for agents that never had a remote config
            <input {...text('baselineConfigHash')} placeholder="name@version to send them back to (optional)" />
          </label>
        </div>
        <label>
          <input type="checkbox" name="acceptKeepNewOnFailure" checked={fields.acceptKeepNewOnFailure} onChange={(event) => setFields({ ...fields, acceptKeepNewOnFailure: event.currentTarget.checked })} />
          agents that never had a remote config keep the new one on failure (nothing to go back to)
        </label>
        <div class="actions">
          <button type="button" class="secondary" data-testid="forecast-button" aria-busy={busy === 'forecast'} disabled={busy !== null} onClick={() => void onForecast()}>
            Forecast (dry run)
          </button>
          <button type="submit" data-testid="start-button" aria-busy={busy === 'start'} disabled={busy !== null}>
            Start rollout
          </button>
        </div>
        <p class="error" role="alert" data-testid="start-error">
          {error}
        </p>
        <div data-testid="forecast" data-rollout-id={forecasted?.answer.rolloutId}>
          {forecasted === null ? null : <ForecastView forecast={forecasted.answer} />}
        </div>
      </form>
    </details>
  );
}

export function ForecastView({ forecast }: { forecast: RolloutForecast }) {
  const skipped = Object.entries(forecast.skipped).filter(([, count]) => count > 0);
  return (
    <div class="forecast">
      <p>{`${forecast.members} of ${forecast.matched} matched agents would take part; at the earliest ${countdown(forecast.earliestMs)} (m:ss) to the end.`}</p>
      <table>
        <thead>
          <tr>
            {['phase', 'size', 'new agents', 'in total', 'window', 'sample'].map((title) => (
              <th key={title}>{title}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          {forecast.phases.map((phase) => (
            <tr key={phase.name} data-testid="forecast-phase">
              <td>{phase.name}</td>
              <td>{phase.size}</td>
              <td>{phase.agents}</td>
              <td>{phase.cumulative}</td>
              <td>{phase.windowMs === 0 ? '—' : countdown(phase.windowMs)}</td>
              <td class="muted">{phase.sample.join(', ')}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {skipped.length === 0 ? null : <p data-testid="forecast-skipped">{`Skipped: ${skipped.map(([reason, count]) => `${count} × ${reason.replace(/_/g, ' ')}`).join(', ')}`}</p>}
      {forecast.warnings.length === 0 ? null : (
        <ul class="error">
          {forecast.warnings.map((warning, index) => (
            <li key={index}>{warning.message}</li>
          ))}
        </ul>
      )}
    </div>
  );
}
