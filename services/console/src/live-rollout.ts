import { api, followEvents } from './api-client';
import type { ConfigVersion, Rollout, RolloutAgent, RolloutAgentPage } from './api-types';
import type { ServerSentEvent } from './event-stream';
import { shortHash } from './format';
import { isEnded } from './rollout-figures';

/** What a rollout's live page shows at one moment. */
export interface LiveRollout {
  readonly rollout: Rollout;
  readonly failed: readonly RolloutAgent[];
  readonly skipped: readonly RolloutAgent[];
  /** The config's name, else its short hash. */
  readonly configName: string;
  /** Whether the event stream is being followed (false once it ended or failed). */
  readonly live: boolean;
}

/** How long to wait before following a stream again that was cut short. */
export const RECONNECT_MS = 2_000;

const agentsIn = async (path: string, state: string, signal: AbortSignal): Promise<RolloutAgent[]> =>
  (await api.get<RolloutAgentPage>(`${path}/agents?state=${state}&limit=500`, signal)).items;

/**
 * Follows a rollout for its live page: reads it once, then keeps it current over its server-sent
 * events (read through fetch, the token in the Authorization header), re-reading its transitions
 * and failed and skipped agents on each event. A stream cut short (a restarted admin API, a
 * proxy's timeout) is re-read and followed again after RECONNECT_MS until the rollout ends, so a
 * shared screen never goes stale silently. `show` gets each new state; `problem` each failure
 * (null once it follows again). Returns when the rollout ended or `signal` aborted; a failure of
 * the first read rejects.
 */
export async function followRollout(rolloutId: string, show: (state: LiveRollout) => void, problem: (error: unknown) => void, signal: AbortSignal): Promise<void> {
  const path = `/rollouts/${encodeURIComponent(rolloutId)}`;
  const [rollout, failed, skipped] = await Promise.all([api.get<Rollout>(path, signal), agentsIn(path, 'failed', signal), agentsIn(path, 'skipped', signal)]);
  const config = await api.get<ConfigVersion>(`/configs/${rollout.configHash}`, signal).catch(() => null);
  let state: LiveRollout = { rollout, failed, skipped, configName: config?.name ?? shortHash(rollout.configHash), live: !isEnded(rollout.status) };
  const draw = (changes: Partial<LiveRollout>): void => {
    state = { ...state, ...changes };
    if (!signal.aborted) show(state);
  };
  draw({});
  if (isEnded(rollout.status)) return;

  let refreshing: Promise<void> | null = null;
  const refresh = (): Promise<void> =>
    (refreshing ??= (async () => {
      const [full, failedNow, skippedNow] = await Promise.all([api.get<Rollout>(path, signal), agentsIn(path, 'failed', signal), agentsIn(path, 'skipped', signal)]);
      draw({ rollout: full.version >= state.rollout.version ? full : state.rollout, failed: failedNow, skipped: skippedNow });
    })().finally(() => {
      refreshing = null;
    }));
  const onEvent = (event: ServerSentEvent): void => {
    if (event.event !== 'rollout') return;
    const next = JSON.parse(event.data) as Rollout;
    if (next.version < state.rollout.version) return;
    // The event carries the rollout without its transitions: keep the last read ones until the re-read.
    draw({ rollout: { ...next, transitions: state.rollout.transitions }, live: true });
    refresh().catch((error: unknown) => {
      if (!signal.aborted) problem(error);
    });
  };
  while (!signal.aborted && !isEnded(state.rollout.status)) {
    try {
      await followEvents(`${path}/events`, onEvent, signal);
      await refresh();
      problem(null);
    } catch (error) {
      if (signal.aborted) break;
      draw({ live: false });
      problem(error);
    }
    if (!isEnded(state.rollout.status)) await pause(RECONNECT_MS, signal);
  }
  if (!signal.aborted) draw({ live: false });
}

function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}
