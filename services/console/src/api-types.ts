import type { components } from '@roost/api-types';

/** The admin API's resources as its OpenAPI document names them (generated types, shared with the CLI). */
type Schemas = components['schemas'];

export type Agent = Schemas['Agent'];
export type AgentEvent = Schemas['AgentEvent'];
export type AgentEventLog = Schemas['AgentEventLog'];
export type AgentRolloutPage = Schemas['AgentRolloutPage'];
export type AgentPage = Schemas['AgentPage'];
export type Caller = Schemas['Caller'];
export type ConfigDiff = Schemas['ConfigDiff'];
export type ConfigHistory = Schemas['ConfigHistory'];
export type ConfigPage = Schemas['ConfigPage'];
export type ConfigVersion = Schemas['ConfigVersion'];
export type DataPlaneJudgement = Schemas['DataPlaneJudgement'];
export type EffectiveConfig = Schemas['EffectiveConfig'];
export type FailureGroup = Schemas['FailureGroup'];
export type GroupList = Schemas['GroupList'];
export type Phase = Schemas['Phase'];
export type Rollout = Schemas['Rollout'];
export type RolloutAgent = Schemas['RolloutAgent'];
export type RolloutAgentPage = Schemas['RolloutAgentPage'];
export type RolloutForecast = Schemas['RolloutForecast'];
export type RolloutListItem = Schemas['RolloutListItem'];
export type RolloutPage = Schemas['RolloutPage'];
export type RolloutSummary = Schemas['RolloutSummary'];
export type StartRolloutRequest = Schemas['StartRolloutRequest'];
export type Permission = Caller['permissions'][number];
