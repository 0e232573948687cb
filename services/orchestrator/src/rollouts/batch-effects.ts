import type { DesiredConfigAssignment, Notify, RolloutEffect } from '@roost/rollout';

/** The effects of several decisions of one rollout, folded into what to carry out once. */
export interface BatchEffects {
  /** In decision order; a later assignment of an agent replaces an earlier one. */
  readonly assignments: DesiredConfigAssignment[];
  /** The last timer instruction wins: arm at a time, disarm, or leave as is (undefined). */
  readonly timer: { readonly at: number } | 'disarm' | undefined;
  readonly notifications: Notify[];
}

export function foldEffects(effects: readonly RolloutEffect[]): BatchEffects {
  const assignments = new Map<string, string | null>();
  let timer: BatchEffects['timer'];
  const notifications: Notify[] = [];
  for (const effect of effects) {
    switch (effect.type) {
      case 'SetDesiredConfig':
        for (const { agentId, configHash } of effect.assignments) {
          assignments.delete(agentId);
          assignments.set(agentId, configHash);
        }
        break;
      case 'ArmTimer':
        timer = { at: effect.at };
        break;
      case 'DisarmTimer':
        timer = 'disarm';
        break;
      case 'Notify':
        notifications.push(effect);
        break;
      default: {
        const unknown: never = effect;
        throw new Error(`unknown rollout effect ${JSON.stringify(unknown)}`);
      }
    }
  }
  return { assignments: [...assignments].map(([agentId, configHash]) => ({ agentId, configHash })), timer, notifications };
}
