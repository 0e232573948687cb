import { classify } from './agent-record';
import { agentTruth, type DesiredEntry, type ReportedConfig } from './agent-truth';
import { isActive, type RolloutState } from './state';
import { AGENTS_PER_STEP, runSteps, type Steps } from './steps';
import { rolloutAgents } from './summary';

/** The invariants of design §4 that can be checked from state (the names are metric labels). */
export type InvariantRule =
  /** 1: an agent's desired config is justified by a rollout, a named action, or what it runs. */
  | 'config_outside_rollout'
  /** One active rollout per agent. */
  | 'agent_in_two_rollouts'
  /** 3: a rollout that has ended shows no agent pending (or disconnected, waiting for a verdict). */
  | 'terminal_rollout_pending';

export const INVARIANT_RULES: readonly InvariantRule[] = ['config_outside_rollout', 'agent_in_two_rollouts', 'terminal_rollout_pending'];

export interface InvariantViolation {
  readonly rule: InvariantRule;
  readonly agentId: string;
  readonly rolloutId: string | null;
  readonly detail: string;
}

/** Everything the checker reads: plain data, as the orchestrator (or a test) holds it. */
export interface TruthSnapshot {
  /** Every rollout whose entries may still stand (active and ended), by id. */
  readonly rollouts: ReadonlyMap<string, RolloutState>;
  readonly desired: ReadonlyMap<string, DesiredEntry>;
  readonly reported: (agentId: string) => ReportedConfig | null;
}

/**
 * Checks the invariants over a snapshot and lists every violation (empty: all hold). Pure; run
 * after every step of the engine's property and scenario tests, and periodically by the running
 * orchestrator (metric `roost_invariant_violations_total{rule}`).
 */
export function checkInvariants(snapshot: TruthSnapshot): InvariantViolation[] {
  return runSteps(invariantSteps(snapshot));
}

/** checkInvariants in steps of AGENTS_PER_STEP agents (see Steps): at 100,000 agents it is a second of work. */
export function* invariantSteps(snapshot: TruthSnapshot): Steps<InvariantViolation[]> {
  const violations: InvariantViolation[] = [];
  let seen = 0;
  for (const [agentId, desired] of snapshot.desired) {
    const truth = agentTruth(agentId, desired, snapshot.reported(agentId), snapshot.rollouts);
    if (truth.why.kind === 'unjustified') violations.push({ rule: 'config_outside_rollout', agentId, rolloutId: desired.rolloutId, detail: truth.why.detail });
    if (++seen % AGENTS_PER_STEP === 0) yield;
  }
  const holder = new Map<string, string>();
  for (const [rolloutId, state] of snapshot.rollouts) {
    const active = isActive(state.status);
    for (const agent of rolloutAgents(state)) {
      const klass = classify(agent);
      if (!active && (klass === 'pending' || klass === 'disconnected')) {
        violations.push({ rule: 'terminal_rollout_pending', agentId: agent.agentId, rolloutId, detail: `rollout ${rolloutId} is ${state.status} and still shows the agent ${klass}` });
      }
      if (++seen % AGENTS_PER_STEP === 0) yield;
      if (!active || agent.membership !== 'member' || agent.exclusion !== null) continue;
      const other = holder.get(agent.agentId);
      if (other !== undefined) violations.push({ rule: 'agent_in_two_rollouts', agentId: agent.agentId, rolloutId, detail: `active in rollouts ${other} and ${rolloutId}` });
      else holder.set(agent.agentId, rolloutId);
    }
  }
  return violations;
}
