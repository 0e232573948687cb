import type { ScoredMember, ViewStore } from '@roost/ports';
import { agentEventsFromHash, type AgentEventView } from './agent-event-log';
import type { AgentOutcome, AgentOutcomeState } from './agent-outcome';
import { agentDetailFromHash, fleetCountsFromHash, groupsFromHash, type AgentDetailView, type FleetCountsView } from './fleet-views';
import { failureGroupsFromHash, phaseFromHash, rolloutStatusFromHash, type FailureGroup, type PhaseView, type RolloutStatusView } from './rollout-status-view';
import type { RolloutTransition } from './transitions';
import { fleetKeys, rolloutKeys, rolloutListKeys } from './view-keys';

/**
 * Reads of the views through the ViewStore port, for the admin API, the CLI and tests. They
 * decode what the projections write; none of them writes.
 */

export interface Page {
  readonly offset?: number;
  readonly count?: number;
}

export interface Paged<T> {
  readonly total: number;
  readonly items: readonly T[];
}

export interface RolloutDetail {
  readonly status: RolloutStatusView;
  readonly phases: readonly PhaseView[];
  readonly failures: readonly FailureGroup[];
  readonly transitions: readonly RolloutTransition[];
}

export async function readRolloutStatus(views: ViewStore, rolloutId: string): Promise<RolloutStatusView | null> {
  return rolloutStatusFromHash(await views.hgetall(rolloutKeys.status(rolloutId)));
}

/** Status, phases, failure groups and transitions of one rollout; null when unknown. */
export async function readRolloutDetail(views: ViewStore, rolloutId: string): Promise<RolloutDetail | null> {
  const status = await readRolloutStatus(views, rolloutId);
  if (status === null) return null;
  const [phases, failures, transitions] = await Promise.all([
    Promise.all(status.plan.map((_, index) => views.hgetall(rolloutKeys.phase(rolloutId, index)))),
    views.hgetall(rolloutKeys.failures(rolloutId)),
    views.zrange(rolloutKeys.transitions(rolloutId)),
  ]);
  return {
    status,
    phases: phases.map((phase) => phaseFromHash(phase, status.endedAt)).filter((phase): phase is PhaseView => phase !== null),
    failures: failureGroupsFromHash(failures),
    transitions: transitions.map((entry) => JSON.parse(entry.member) as RolloutTransition),
  };
}

/** A rollout's agents, all (in agent id order) or in one state (in the order they entered it). */
export async function readAgentOutcomes(views: ViewStore, rolloutId: string, options: Page & { state?: AgentOutcomeState } = {}): Promise<Paged<AgentOutcome>> {
  const index = options.state === undefined ? rolloutKeys.agentIndex(rolloutId) : rolloutKeys.agentsInState(rolloutId, options.state);
  const [total, page] = await Promise.all([views.zcard(index), views.zrange(index, { offset: options.offset ?? 0, count: options.count ?? 100 })]);
  const records = await Promise.all(page.map((entry) => views.hget(rolloutKeys.agents(rolloutId), entry.member)));
  return { total, items: records.filter((text): text is string => text !== null).map((text) => JSON.parse(text) as AgentOutcome) };
}

export async function readAgentOutcome(views: ViewStore, rolloutId: string, agentId: string): Promise<AgentOutcome | null> {
  const text = await views.hget(rolloutKeys.agents(rolloutId), agentId);
  return text === null ? null : (JSON.parse(text) as AgentOutcome);
}

/** Rollout ids, newest first by default; by group or by current status when asked. */
export async function listRollouts(views: ViewStore, options: Page & { group?: string; status?: string; oldestFirst?: boolean } = {}): Promise<Paged<ScoredMember>> {
  if (options.group !== undefined && options.status !== undefined) throw new Error('list rollouts by group or by status, not both');
  const key = options.group !== undefined ? rolloutListKeys.byGroup(options.group) : options.status !== undefined ? rolloutListKeys.byStatus(options.status) : rolloutListKeys.all;
  const [total, items] = await Promise.all([
    views.zcard(key),
    views.zrange(key, { offset: options.offset ?? 0, count: options.count ?? 50, reverse: options.oldestFirst !== true }),
  ]);
  return { total, items };
}

export interface FleetSummary {
  readonly fleet: FleetCountsView;
  readonly groups: Readonly<Record<string, number>>;
}

export async function readFleetSummary(views: ViewStore): Promise<FleetSummary> {
  const [fleet, groups] = await Promise.all([views.hgetall(fleetKeys.summary), views.hgetall(fleetKeys.groups)]);
  return { fleet: fleetCountsFromHash(fleet), groups: groupsFromHash(groups) };
}

export async function readGroupSummary(views: ViewStore, group: string): Promise<FleetCountsView> {
  return fleetCountsFromHash(await views.hgetall(fleetKeys.group(group)));
}

export async function readAgentDetail(views: ViewStore, agentId: string): Promise<AgentDetailView | null> {
  const [hash, desired] = await Promise.all([views.hgetall(fleetKeys.agent(agentId)), views.hget(fleetKeys.desired, agentId)]);
  return agentDetailFromHash(hash, desired);
}

/** Agent ids of the fleet or of one group, in the order they were first seen. */
export async function listAgents(views: ViewStore, options: Page & { group?: string } = {}): Promise<Paged<string>> {
  const key = options.group === undefined ? fleetKeys.agents : fleetKeys.groupAgents(options.group);
  const [total, page] = await Promise.all([views.zcard(key), views.zrange(key, { offset: options.offset ?? 0, count: options.count ?? 100 })]);
  return { total, items: page.map((entry) => entry.member) };
}

/** The agent's recent fleet events (its event log), newest first. */
export async function readAgentEvents(views: ViewStore, agentId: string): Promise<AgentEventView[]> {
  return agentEventsFromHash(await views.hgetall(fleetKeys.agentEvents(agentId)));
}

/** The rollouts an agent took part in (rollout id, when it joined), newest first. */
export async function listAgentRollouts(views: ViewStore, agentId: string, options: Page = {}): Promise<Paged<ScoredMember>> {
  const key = fleetKeys.agentRollouts(agentId);
  const [total, items] = await Promise.all([views.zcard(key), views.zrange(key, { offset: options.offset ?? 0, count: options.count ?? 50, reverse: true })]);
  return { total, items };
}
