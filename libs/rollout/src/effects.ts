/**
 * What the orchestrator must do after a decision. Effects are instructions, not facts: they
 * are not stored, and can be derived again from the events (see `nextDeadline`).
 */
export interface DesiredConfigAssignment {
  readonly agentId: string;
  /** null: no remote config is desired (a released agent that never had one). */
  readonly configHash: string | null;
}

/** Write `agent-desired` for each agent (hash + this rollout's id) and nudge its gateway. */
export interface SetDesiredConfig {
  readonly type: 'SetDesiredConfig';
  readonly rolloutId: string;
  readonly assignments: readonly DesiredConfigAssignment[];
}

/** Send a Tick at `at` (replaces any timer armed earlier for this rollout). */
export interface ArmTimer {
  readonly type: 'ArmTimer';
  readonly rolloutId: string;
  readonly at: number;
}

/** The rollout has ended: no timer is needed any more. */
export interface DisarmTimer {
  readonly type: 'DisarmTimer';
  readonly rolloutId: string;
}

/** What a notification is about, in the order a rollout may meet them. */
export const NOTIFICATION_KINDS = ['awaiting_approval', 'paused', 'completed', 'failed', 'rolled_back', 'aborted'] as const;
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];

/** Tell people (webhooks, chat): a phase awaits their approval, or the rollout paused or ended. */
export interface Notify {
  readonly type: 'Notify';
  readonly rolloutId: string;
  readonly kind: NotificationKind;
  readonly message: string;
}

export type RolloutEffect = SetDesiredConfig | ArmTimer | DisarmTimer | Notify;
