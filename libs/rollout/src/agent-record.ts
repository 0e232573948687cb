/** Why an agent matching the target does not take part. */
export type SkipReason =
  | 'disconnected'
  | 'no_accepts_remote_config'
  | 'locked_by_other_rollout'
  | 'already_on_config'
  | 'no_previous_config';

export const SKIP_REASONS: readonly SkipReason[] = ['disconnected', 'no_accepts_remote_config', 'locked_by_other_rollout', 'already_on_config', 'no_previous_config'];

/** Why a targeted agent counts as failed. */
export type FailureReason = 'apply_failed' | 'unhealthy' | 'disconnected' | 'apply_timeout' | 'self_rollback';

export const FAILURE_REASONS: readonly FailureReason[] = ['apply_failed', 'unhealthy', 'disconnected', 'apply_timeout', 'self_rollback'];

/** Why a member no longer counts at all (neither applied nor failed). */
export type ExclusionReason = 'disconnected' | 'left_target';

/** Where a touched agent went on rollback. */
export type RevertSource = 'previous' | 'baseline' | 'kept_new';

/** How an agent showed it runs the new config. */
export type AppliedVia = 'remote_config_status' | 'effective_config';

/** What the rollout records about a member when it enrols (on AgentsEnrolled or AgentJoined). */
export interface EnrolledAgent {
  readonly agentId: string;
  readonly stratum: string | null;
  readonly previousConfigHash: string | null;
  readonly reportsRemoteConfig: boolean;
  readonly reportsHealth: boolean;
}

/** Everything the rollout knows about one agent of its target. */
export interface AgentRecord extends EnrolledAgent {
  readonly membership: 'member' | 'skipped';
  readonly skip: { readonly reason: SkipReason; readonly lockedBy: string | null } | null;
  readonly cohortKey: string;
  readonly connected: boolean;
  /** When it last (re)connected, or enrolled connected. */
  readonly connectedAt: number | null;
  readonly disconnectedAt: number | null;
  readonly targetedAt: number | null;
  readonly targetedPhase: number | null;
  /** It reported the new hash (APPLYING, APPLIED or FAILED): it has seen the new config. */
  readonly receivedAt: number | null;
  readonly appliedAt: number | null;
  /** Latest health reported since the push; reports from before it are never recorded. */
  readonly health: { readonly healthy: boolean; readonly since: number; readonly lastError: string } | null;
  readonly failure: { readonly reason: FailureReason; readonly at: number; readonly detail: string } | null;
  readonly exclusion: { readonly reason: ExclusionReason; readonly at: number } | null;
  readonly revert: { readonly configHash: string; readonly source: RevertSource } | null;
}

/**
 * The single bucket each record is counted in. Targeted agents are `excluded`, `failed`,
 * `disconnected` (in grace), `ready` (applied, connected and healthy as far as it reports) or
 * `pending`; other members are `waiting` or `left`; non-members are `skipped`.
 */
export type AgentClass = 'skipped' | 'waiting' | 'left' | 'excluded' | 'failed' | 'disconnected' | 'pending' | 'ready';

export const AGENT_CLASSES: readonly AgentClass[] = ['skipped', 'waiting', 'left', 'excluded', 'failed', 'disconnected', 'pending', 'ready'];

export function classify(agent: AgentRecord): AgentClass {
  if (agent.membership === 'skipped') return 'skipped';
  if (agent.targetedAt === null) return agent.exclusion === null ? 'waiting' : 'left';
  if (agent.exclusion !== null) return 'excluded';
  if (agent.failure !== null) return 'failed';
  if (!agent.connected) return 'disconnected';
  return hasAppliedEvidence(agent) && agent.health?.healthy !== false ? 'ready' : 'pending';
}

/**
 * The agent showed it runs the new config: applied, and — if it reports health — a healthy
 * report since the push. A health report from before the push never counts.
 */
export function hasAppliedEvidence(agent: AgentRecord): boolean {
  return agent.appliedAt !== null && (!agent.reportsHealth || agent.health?.healthy === true);
}

export function enrolledRecord(agent: EnrolledAgent, cohortKey: string, at: number): AgentRecord {
  return {
    ...agent,
    membership: 'member',
    skip: null,
    cohortKey,
    connected: true,
    connectedAt: at,
    disconnectedAt: null,
    targetedAt: null,
    targetedPhase: null,
    receivedAt: null,
    appliedAt: null,
    health: null,
    failure: null,
    exclusion: null,
    revert: null,
  };
}
