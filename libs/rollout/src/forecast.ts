import { describeTarget, matchesTarget } from '@roost/fleet';
import { agentsLackingComponents, type MissingComponentsPolicy } from './components';
import { targetedAgentIds } from './agent-chunks';
import { decide } from './decide';
import type { Decision } from './decision';
import type { RolloutError } from './errors';
import type { StartRollout } from './inputs';
import { describeSize } from './plan';
import type { SkipCounts } from './rollout-events';
import { skipCounts } from './skips';
import { startWarnings, type StartWarning } from './start-warnings';
import { rolloutAgent, rolloutAgents } from './summary';
import type { RolloutState } from './state';

/** Sample agents a forecast names per phase and per skip reason. */
const SAMPLE = 5;

export interface PhaseForecast {
  readonly index: number;
  readonly name: string;
  /** `2%` or `5 agents` (cumulative). */
  readonly size: string;
  readonly windowMs: number;
  readonly requireApproval: boolean;
  /** Agents this phase adds. */
  readonly agents: number;
  /** Agents targeted once this phase has started (this one and every one before it). */
  readonly cumulative: number;
  /** Agents this phase adds, per value of the stratification attribute; null when not stratified. */
  readonly byStratum: Readonly<Record<string, number>> | null;
  /** The first agents it adds, in the order they would be targeted. */
  readonly sample: readonly string[];
}

/** Who a rollout would reach, phase by phase, were it started now with these inputs. */
export interface RolloutForecast {
  readonly rolloutId: string;
  readonly target: string;
  readonly configHash: string;
  /** Agents of the fleet matching the target. */
  readonly matched: number;
  /** Matching agents that would take part. */
  readonly members: number;
  /** Matching agents that would not, by reason, with sample agents. */
  readonly skipped: SkipCounts;
  readonly skippedSample: Readonly<Record<string, readonly string[]>>;
  readonly phases: readonly PhaseForecast[];
  /** Every agent of the first phase, in order: a start with the same rollout id and inputs targets exactly these. */
  readonly firstPhaseAgents: readonly string[];
  /** The plan's duration at the earliest: every window in turn, each phase passing the moment its window ends. */
  readonly earliestMs: number;
  readonly warnings: readonly StartWarning[];
  /** Agents of the target lacking a component the config uses (from their AvailableComponents): they would fail. */
  readonly missingComponents: ComponentForecast;
}

export interface ComponentForecast {
  /** What the start does with them: `exclude` (skipped as missing_components), `refuse` (never forecast: the start is refused), `include` (they take part and would fail). */
  readonly policy: MissingComponentsPolicy;
  /** The component types the config defines (`receivers/otlp`); empty when not known. */
  readonly required: readonly string[];
  /** Agents of the target that reported their components and lack one. */
  readonly agents: number;
  /** Per component, how many lack it. */
  readonly byComponent: Readonly<Record<string, number>>;
  /** The first agents lacking one, with what each lacks. */
  readonly sample: readonly { readonly agentId: string; readonly missing: readonly string[] }[];
  /** Agents of the target that never reported their components: not judged. */
  readonly unreported: number;
}

/**
 * Forecasts a start without making it: the start is decided by the same pure functions a real
 * start uses (`decide`), then each later phase is started in turn as a promote would, so each
 * phase's agents are the ones the rollout would target, in its cohort order. Same refusal as the
 * start when it would be refused. Agents added to the fleet after the forecast, and agents that
 * disconnect, change later phases; the first phase is exact for a start with the same rollout
 * id against the same fleet.
 */
export function forecastRollout(command: StartRollout): { ok: true; forecast: RolloutForecast } | { ok: false; error: RolloutError } {
  const started = decide(null, command);
  if (!started.ok) return started;
  const first = filled(stateOf(started), targetedAgentIds(started.events), command.now);
  let state = first.state;
  const phaseAgents: string[][] = [first.agentIds];
  for (let index = 1; index < state.settings.plan.length; index += 1) {
    const promoted = decide(state, { type: 'PromoteRollout', rolloutId: command.rolloutId, now: command.now });
    if (!promoted.ok) break;
    const phase = filled(stateOf(promoted), targetedAgentIds(promoted.events), command.now);
    state = phase.state;
    phaseAgents.push(phase.agentIds);
  }
  return { ok: true, forecast: { ...forecastOf(stateOf(started), state, phaseAgents), missingComponents: componentForecast(command) } };
}

/** Decides the Ticks that target the rest of a phase start's agents (see PhaseFill), adding them to `agentIds`. */
function filled(state: RolloutState, agentIds: string[], now: number): { state: RolloutState; agentIds: string[] } {
  let current = state;
  while (current.fill !== null && current.status === 'in_progress') {
    const tick = decide(current, { type: 'Tick', now });
    if (!tick.ok) break;
    current = stateOf(tick);
    agentIds.push(...targetedAgentIds(tick.events));
  }
  return { state: current, agentIds };
}

function componentForecast(command: StartRollout): ComponentForecast {
  const required = command.requiredComponents ?? [];
  const matched = command.fleet.filter((agent) => agent.connected && matchesTarget(command.target, agent));
  const lacking = agentsLackingComponents(matched, required);
  const byComponent: Record<string, number> = {};
  for (const agent of lacking) for (const component of agent.missing) byComponent[component] = (byComponent[component] ?? 0) + 1;
  return {
    policy: command.missingComponentsPolicy ?? 'exclude',
    required,
    agents: lacking.length,
    byComponent,
    sample: lacking.slice(0, SAMPLE),
    unreported: matched.filter((agent) => agent.availableComponents === undefined || agent.availableComponents === null).length,
  };
}

function stateOf(decision: Decision): RolloutState {
  if (!decision.ok || decision.state === null) throw new Error('a decided start or promote always leaves a state');
  return decision.state;
}

function forecastOf(atStart: RolloutState, atEnd: RolloutState, phaseAgents: readonly (readonly string[])[]): Omit<RolloutForecast, 'missingComponents'> {
  const { settings } = atStart;
  const skipped = skipCounts(atStart);
  const skippedSample: Record<string, string[]> = {};
  for (const agent of rolloutAgents(atStart)) {
    if (agent.skip === null) continue;
    const sample = (skippedSample[agent.skip.reason] ??= []);
    if (sample.length < SAMPLE) sample.push(agent.agentId);
  }
  let cumulative = 0;
  const phases = settings.plan.map((phase, index): PhaseForecast => {
    const agents = phaseAgents[index] ?? [];
    cumulative += agents.length;
    return {
      index,
      name: phase.name,
      size: describeSize(phase.size),
      windowMs: phase.windowMs,
      requireApproval: phase.requireApproval,
      agents: agents.length,
      cumulative,
      byStratum: settings.stratifyBy === null ? null : countBy(agents.map((agentId) => rolloutAgent(atEnd, agentId)?.stratum ?? '(none)')),
      sample: agents.slice(0, SAMPLE),
    };
  });
  return {
    rolloutId: settings.rolloutId,
    target: describeTarget(settings.target),
    configHash: settings.configHash,
    matched: atStart.agents.size,
    members: rolloutAgents(atStart).filter((agent) => agent.membership === 'member').length,
    skipped,
    skippedSample,
    phases,
    firstPhaseAgents: phaseAgents[0] ?? [],
    earliestMs: settings.plan.reduce((sum, phase) => sum + phase.windowMs, 0),
    warnings: startWarnings(atStart),
  };
}

function countBy(values: readonly string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const value of values) counts[value] = (counts[value] ?? 0) + 1;
  return counts;
}
