import { collectorErrorsSince, reportedFailure } from './failure-detail';
import { classify } from './agent-record';
import { agentDeadline, applyDeadline, disconnectDeadline, unhealthyDeadline } from './agent-deadline';
import { draftCandidates } from './agent-table';
import { emit, mayJudge, type Recorder } from './decision';
import { excludeAgent } from './phase';
import { agentOf, isActive } from './state';

/** Turns the agent's passed deadlines into events: failed (or excluded, by policy). */
export function expireAgent(recorder: Recorder, agentId: string): void {
  const agent = agentOf(recorder.draft, agentId);
  if (agent === undefined || !isActive(recorder.draft.status)) return;
  const { timing, disconnectedPolicy } = recorder.draft.settings;
  const now = recorder.now;
  const klass = classify(agent);
  // A deadline judges the absence of a report: never on a fleet view known to be behind.
  if (!recorder.facts.fleetCaughtUp) {
    const due = agentDeadline(agent, timing);
    if (due !== null && due <= now && !mayJudge(recorder)) return;
  }
  if (klass === 'disconnected') {
    const deadline = disconnectDeadline(agent, timing);
    if (deadline === null || now < deadline) return;
    if (disconnectedPolicy === 'exclude') excludeAgent(recorder, agentId, 'disconnected');
    else emit(recorder, { type: 'AgentConfigFailed', agentId, reason: 'disconnected', detail: `disconnected for more than ${timing.disconnectGraceMs} ms` });
  } else if (klass === 'pending') {
    const unhealthy = unhealthyDeadline(agent, timing);
    const apply = applyDeadline(agent, timing);
    if (unhealthy !== null && now >= unhealthy) {
      const reported = { healthError: agent.health?.lastError ?? '', componentErrors: agent.health?.componentErrors ?? [] };
      const collectorLog = collectorErrorsSince(recorder.facts.collectorErrors, agentId, agent.targetedAt);
      emit(recorder, { type: 'AgentConfigFailed', agentId, reason: 'unhealthy', ...reportedFailure(reported, `unhealthy for ${timing.healthGraceMs} ms after the push`, collectorLog) });
    } else if (apply !== null && now >= apply) {
      const missing = agent.appliedAt === null ? 'report of the new config applied' : 'healthy report since the push';
      emit(recorder, { type: 'AgentConfigFailed', agentId, reason: 'apply_timeout', detail: `no ${missing} within ${timing.applyTimeoutMs} ms` });
    }
  }
}

/** A Tick: every targeted agent whose deadline has passed. */
export function expireAll(recorder: Recorder): void {
  const { timing } = recorder.draft.settings;
  const due = draftCandidates(recorder.draft.agents, recorder.now).filter((agent) => {
    const deadline = agentDeadline(agent, timing);
    return deadline !== null && deadline <= recorder.now;
  });
  for (const agent of due) expireAgent(recorder, agent.agentId);
}
