import { desiredConfigContract, pushNudgeContract, subjects, type PushNudge } from '@roost/contracts';
import type { KeyValueStore, Logger, MessageBus } from '@roost/ports';
import type { DesiredConfigAssignment } from '@roost/rollout';
import type { DesiredMirror } from './desired-mirror';

export interface DesiredWriterOptions {
  readonly batchSize: number;
  readonly concurrency: number;
  readonly now: () => number;
  readonly logger: Logger;
  /** The gateway holding a connected agent, or null (it gets its config when it reconnects). */
  readonly gatewayOf: (agentId: string) => string | null;
}

/**
 * Carries out SetDesiredConfig: writes each agent's `agent-desired` entry, then nudges the
 * gateway holding it, batching agents per gateway. An agent is nudged only after its entry is
 * written, and the nudge carries the entry with the revision of the write, so the gateway need
 * not read it back. Resolves with the agents whose write failed (the caller reconciles them
 * later).
 */
export function createDesiredWriter(bucket: KeyValueStore, bus: MessageBus, mirror: DesiredMirror, options: DesiredWriterOptions) {
  return async function writeDesired(rolloutId: string | null, assignments: readonly DesiredConfigAssignment[]): Promise<string[]> {
    const setAt = options.now();
    const pending = new Map<string, Required<PushNudge>>();
    const failed: string[] = [];
    const nudge = (gatewayId: string, batch: PushNudge): void => {
      bus.publish(subjects.gatewayPush(gatewayId), pushNudgeContract.encode(batch));
    };
    const written = (agentId: string, configHash: string | null, revision: number): void => {
      const gatewayId = options.gatewayOf(agentId);
      if (gatewayId === null) return;
      let batch = pending.get(gatewayId);
      if (batch === undefined) pending.set(gatewayId, (batch = { agentIds: [], desired: [] }));
      batch.agentIds.push(agentId);
      batch.desired.push({ configHash, revision });
      if (batch.agentIds.length >= options.batchSize) {
        pending.delete(gatewayId);
        nudge(gatewayId, batch);
      }
    };
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < assignments.length) {
        const assignment = assignments[next++] as DesiredConfigAssignment;
        const desired = { configHash: assignment.configHash, rolloutId, setAt };
        try {
          const revision = await bucket.put(assignment.agentId, desiredConfigContract.encode(desired));
          mirror.remember(assignment.agentId, desired);
          written(assignment.agentId, assignment.configHash, revision);
        } catch (error) {
          failed.push(assignment.agentId);
          options.logger.warn({ agentId: assignment.agentId, rolloutId, err: String(error) }, 'could not write agent-desired; will reconcile');
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(options.concurrency, assignments.length) }, worker));
    for (const [gatewayId, batch] of pending) nudge(gatewayId, batch);
    return failed;
  };
}

export type DesiredWriter = ReturnType<typeof createDesiredWriter>;
