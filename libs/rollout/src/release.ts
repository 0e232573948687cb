import { classify, type AgentRecord } from './agent-record';
import { agentChunks } from './agent-chunks';
import { assign, emit, type Recorder } from './decision';
import type { ReleasedAgent } from './rollout-events';
import { targetConfigOf } from './target-config';

/**
 * Before a rollout finishes (completed, aborted, failed), every targeted agent it has not
 * judged applied is released: its desired config becomes the one it runs — the config it ran
 * before (none when it had no remote config) if it never applied the new one or rolled itself
 * back, else the new one. So no undelivered assignment outlives the rollout (an agent that
 * comes back later, even to a gateway that forgot it, is never offered a config outside a
 * rollout), and no agent of an ended rollout is left pending. Agents that applied the config
 * keep it. Returns how many were released.
 */
export function releaseUnapplied(recorder: Recorder): number {
  const { settings } = recorder.draft;
  const released: ReleasedAgent[] = [];
  for (const bucket of recorder.draft.agents.buckets) {
    for (const agent of bucket.values()) {
      const release = releaseOf(agent, targetConfigOf(agent, settings));
      if (release !== undefined) released.push({ agentId: agent.agentId, configHash: release });
    }
  }
  released.sort((a, b) => (a.agentId < b.agentId ? -1 : a.agentId > b.agentId ? 1 : 0));
  for (const agents of agentChunks(released)) emit(recorder, { type: 'AgentsReleased', agents });
  for (const agent of released) assign(recorder, agent.agentId, agent.configHash);
  return released.length;
}

/** The config a finishing rollout releases the agent to, or undefined when it stays as it is. */
function releaseOf(agent: AgentRecord, configHash: string): string | null | undefined {
  if (agent.targetedAt === null || agent.revert !== null || agent.release !== null) return undefined;
  const klass = classify(agent);
  const runsNew = agent.appliedAt !== null && agent.failure?.reason !== 'self_rollback';
  if (klass === 'ready' || (runsNew && (klass === 'failed' || klass === 'excluded'))) return undefined;
  return runsNew ? configHash : agent.previousConfigHash;
}
