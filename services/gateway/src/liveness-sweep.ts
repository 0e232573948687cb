import type { AgentSessions } from './agent-sessions';
import { followsOffer } from './poll-interval';

export interface LivenessOptions {
  /** An HTTP agent silent this long is disconnected (missed polls × poll interval). */
  readonly httpSilenceMs: number;
  /** The same for an agent that polls at the offered heartbeat interval (missed polls × that interval); null: none is offered. */
  readonly followedSilenceMs?: number | null;
  /** A disconnected agent's record is dropped after this long. */
  readonly retainDisconnectedMs: number;
  readonly now: () => number;
  /** The silent HTTP agents another gateway heard from (http-handover.ts); none when absent. */
  readonly heardElsewhere?: (agentIds: readonly string[]) => Promise<ReadonlySet<string>>;
}

/**
 * One pass of housekeeping: HTTP agents that stopped polling here are disconnected (the Elastic
 * client and opamp-go's HTTP client send no agent_disconnect) after missing their polls (at the
 * offered heartbeat interval for agents that follow it, else at the default one) unless another
 * gateway heard from them (they are let go without a word), and records of agents gone for longer than the
 * retention are forgotten. WebSocket liveness is the transport's pings.
 */
export async function sweepAgents(sessions: AgentSessions, options: LivenessOptions, evict: boolean): Promise<void> {
  const silentSince = (agentId: string): boolean => {
    const record = sessions.agents.get(agentId);
    if (!record) return true;
    const silenceMs = options.followedSilenceMs != null && followsOffer(record) ? options.followedSilenceMs : options.httpSilenceMs;
    return options.now() - record.lastSeenAt > silenceMs;
  };
  const silent = sessions.agents.pollingIds().filter(silentSince);
  if (evict) sessions.agents.forgetDisconnectedBefore(options.now() - options.retainDisconnectedMs);
  await letGoOf(sessions, silent, options, 'missed polls', silentSince);
}

/**
 * Says these HTTP agents are gone from here: let go quietly when another gateway heard from
 * them, disconnected otherwise. `stillGone` re-checks each once the peers have answered.
 */
export async function letGoOf(
  sessions: AgentSessions,
  agentIds: readonly string[],
  options: Pick<LivenessOptions, 'heardElsewhere'>,
  why: string,
  stillGone: (agentId: string) => boolean = () => true,
): Promise<void> {
  if (agentIds.length === 0) return;
  const elsewhere = options.heardElsewhere ? await options.heardElsewhere(agentIds) : new Set<string>();
  for (const agentId of agentIds) {
    if (!sessions.agents.isPolling(agentId) || !stillGone(agentId)) continue;
    if (elsewhere.has(agentId)) sessions.letGo(agentId, why);
    else sessions.disconnect(agentId, why);
  }
}

/** Runs sweepAgents every `intervalMs` (never two at once), evicting on every tenth pass. */
export function startLivenessSweeps(sessions: AgentSessions, options: LivenessOptions, intervalMs: number, onError: (error: unknown) => void): () => void {
  let pass = 0;
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    sweepAgents(sessions, options, ++pass % 10 === 0)
      .catch(onError)
      .finally(() => (running = false));
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
