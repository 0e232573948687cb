import { AGENT_CAPABILITY, type FleetAgent } from '@roost/fleet';
import { decide } from '../decide';
import type { Decision } from '../decision';
import type { RolloutEffect } from '../effects';
import { FLEET_CAUGHT_UP, type DecisionFacts, type RolloutInput, type StartRollout } from '../inputs';
import { targetedAgentIds } from '../agent-chunks';
import type { RevertedAgent, RolloutEvent } from '../rollout-events';
import type { RolloutState } from '../state';
import { FULL_CAPABILITIES } from '../simulator/sim-agent';

/** Fixtures for the rollout specs: small fleets, commands and a given/when/then driver. */

export const NEW = 'cfg-new';
export const OLD = 'cfg-previous';
export const BASELINE = 'cfg-baseline';
export const MIN = 60_000;

export const id = (i: number): string => `agent-${String(i).padStart(3, '0')}`;

export function agent(agentId: string, overrides: Partial<FleetAgent> = {}): FleetAgent {
  return {
    agentId,
    connected: true,
    capabilities: FULL_CAPABILITIES,
    identifying: { 'service.environment': 'production' },
    nonIdentifying: {},
    ...overrides,
  };
}

export function fleetOf(size: number, overrides: (i: number) => Partial<FleetAgent> = () => ({})): FleetAgent[] {
  return Array.from({ length: size }, (_, i) => agent(id(i), overrides(i)));
}

export const WITHOUT_REMOTE_CONFIG_STATUS = AGENT_CAPABILITY.AcceptsRemoteConfig | AGENT_CAPABILITY.ReportsEffectiveConfig;

/** A start for group `production` on `cfg-new`; every agent's previous config is `cfg-previous`. */
export function startCommand(overrides: Partial<StartRollout> & { fleet: readonly FleetAgent[] }): StartRollout {
  return {
    type: 'StartRollout',
    rolloutId: 'r1',
    target: { kind: 'group', group: 'production' },
    configHash: NEW,
    previousConfigHashes: Object.fromEntries(overrides.fleet.map((a) => [a.agentId, OLD])),
    lockedAgents: {},
    now: 0,
    ...overrides,
  };
}

export function eventsOf(decision: Decision): readonly RolloutEvent[] {
  if (!decision.ok) throw new Error(`expected a decision, got ${decision.error.code}: ${decision.error.message}`);
  return decision.events;
}

export function effectsOf(decision: Decision): readonly RolloutEffect[] {
  if (!decision.ok) throw new Error(`expected a decision, got ${decision.error.code}: ${decision.error.message}`);
  return decision.effects;
}

export const typesOf = (decision: Decision): string[] => eventsOf(decision).map((event) => event.type);

export function ofType<T extends RolloutEvent['type']>(decision: Decision | readonly RolloutEvent[], type: T): Extract<RolloutEvent, { type: T }>[] {
  const events = Array.isArray(decision) ? (decision as readonly RolloutEvent[]) : eventsOf(decision as Decision);
  return events.filter((event): event is Extract<RolloutEvent, { type: T }> => event.type === type);
}

export function targetedIds(decision: Decision | readonly RolloutEvent[]): string[] {
  return targetedAgentIds(Array.isArray(decision) ? (decision as readonly RolloutEvent[]) : eventsOf(decision as Decision));
}

/** Every agent the decision's AgentsReverted events send back, in order. */
export function revertedAgents(decision: Decision): RevertedAgent[] {
  return ofType(decision, 'AgentsReverted').flatMap((event) => event.agents);
}

/** Drives one rollout: `given` a start, `when` each input; keeps the state and the history. */
export class RolloutScenario {
  state: RolloutState | null = null;
  readonly history: RolloutEvent[] = [];
  /** What every later decision is told (the data-plane figures a test hands in). */
  facts: DecisionFacts = FLEET_CAUGHT_UP;

  static given(start: StartRollout, ...inputs: RolloutInput[]): RolloutScenario {
    const scenario = new RolloutScenario();
    scenario.when(start);
    for (const input of inputs) scenario.when(input);
    return scenario;
  }

  when(input: RolloutInput): Decision {
    const decision = decide(this.state, input, this.facts);
    if (decision.ok) {
      this.state = decision.state;
      this.history.push(...decision.events);
    }
    return decision;
  }

  get current(): RolloutState {
    if (this.state === null) throw new Error('the rollout has not started');
    return this.state;
  }

  /** The agents targeted so far, in order. */
  get targeted(): string[] {
    return targetedIds(this.history);
  }
}

// ---- observations --------------------------------------------------------------------------

export const applying = (agentId: string, now: number): RolloutInput => ({ type: 'RemoteConfigStatusReported', agentId, hash: NEW, status: 'APPLYING', errorMessage: '', now });
export const appliedStatus = (agentId: string, now: number, hash = NEW): RolloutInput => ({ type: 'RemoteConfigStatusReported', agentId, hash, status: 'APPLIED', errorMessage: '', now });
export const failedStatus = (agentId: string, now: number, error = 'bad exporter'): RolloutInput => ({ type: 'RemoteConfigStatusReported', agentId, hash: NEW, status: 'FAILED', errorMessage: error, now });
export const health = (agentId: string, healthy: boolean, now: number, observedAt = now): RolloutInput => ({ type: 'HealthReported', agentId, healthy, lastError: healthy ? '' : 'exporter failing', observedAt, now });
export const effective = (agentId: string, hash: string | null, now: number): RolloutInput => ({ type: 'EffectiveConfigReported', agentId, hash, now });
export const disconnected = (agentId: string, now: number): RolloutInput => ({ type: 'AgentDisconnected', agentId, now });
export const connected = (fleetAgent: FleetAgent, now: number, previousConfigHash: string | null = OLD, lockedBy: string | null = null): RolloutInput => ({ type: 'AgentConnected', agent: fleetAgent, previousConfigHash, lockedBy, now });
export const tick = (now: number): RolloutInput => ({ type: 'Tick', now });

/** APPLIED for the new hash and a healthy report, both at `now`. */
export function appliedAndHealthy(scenario: RolloutScenario, agentIds: readonly string[], now: number): void {
  for (const agentId of agentIds) {
    scenario.when(appliedStatus(agentId, now));
    scenario.when(health(agentId, true, now));
  }
}

export const command = (type: 'PauseRollout' | 'ResumeRollout' | 'PromoteRollout' | 'AbortRollout' | 'RollbackRollout', now: number, rolloutId = 'r1'): RolloutInput => ({ type, rolloutId, now });
