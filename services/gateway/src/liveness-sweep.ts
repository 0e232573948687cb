import type { AgentSessions } from './agent-sessions';

export interface LivenessOptions {
  /** An HTTP agent silent this long is disconnected (missed polls × poll interval). */
  readonly httpSilenceMs: number;
  /** A disconnected agent's record is dropped after this long. */
  readonly retainDisconnectedMs: number;
  readonly now: () => number;
}

/**
 * One pass of housekeeping: HTTP agents that stopped polling are disconnected (the Elastic
 * client and opamp-go's HTTP client send no agent_disconnect), and records of agents gone for
 * longer than the retention are forgotten. WebSocket liveness is the transport's pings.
 */
export function sweepAgents(sessions: AgentSessions, options: LivenessOptions, evict: boolean): void {
  const now = options.now();
  for (const agentId of [...sessions.httpAgents]) {
    const record = sessions.records.get(agentId);
    if (!record || now - record.lastSeenAt > options.httpSilenceMs) sessions.disconnect(agentId, 'missed polls');
  }
  if (!evict) return;
  for (const [agentId, record] of sessions.records) {
    if (!record.connected && now - record.lastSeenAt > options.retainDisconnectedMs) sessions.records.delete(agentId);
  }
}

/** Runs sweepAgents every `intervalMs`, evicting on every tenth pass. */
export function startLivenessSweeps(sessions: AgentSessions, options: LivenessOptions, intervalMs: number): () => void {
  let pass = 0;
  const timer = setInterval(() => sweepAgents(sessions, options, ++pass % 10 === 0), intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
