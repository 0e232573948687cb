/** Every subject Roost uses is built here; tokens are lowercase and domain-first. */

/** In order of precedence: an event's `type` is the first of its changes in this order. */
export const FLEET_EVENT_KINDS = [
  'connected',
  'disconnected',
  'description',
  'capabilities',
  'health',
  'remote-config-status',
  'effective-config',
] as const;
export type FleetEventKind = (typeof FLEET_EVENT_KINDS)[number];

export const ROLLOUT_COMMAND_VERBS = ['start', 'pause', 'resume', 'promote', 'abort', 'rollback', 'undo'] as const;
export type RolloutCommandVerb = (typeof ROLLOUT_COMMAND_VERBS)[number];

/** Read-only questions to the orchestrator: one rollout's status, or the forecast of a start (a dry run). */
export const ROLLOUT_QUERY_VERBS = ['status', 'plan'] as const;
export type RolloutQueryVerb = (typeof ROLLOUT_QUERY_VERBS)[number];

/** Config versions: create from YAML, read one, a name's version history, diff two versions. */
export const CONFIG_COMMAND_VERBS = ['create', 'get', 'history', 'diff'] as const;
export type ConfigCommandVerb = (typeof CONFIG_COMMAND_VERBS)[number];

/** Groups (default grouping by `service.environment`) and target previews. */
export const GROUP_COMMAND_VERBS = ['list', 'preview'] as const;
export type GroupCommandVerb = (typeof GROUP_COMMAND_VERBS)[number];

/** Agent enrolment tokens: create (shown once), list, revoke; issue (a gateway asks for an agent's own token). */
export const ENROLMENT_COMMAND_VERBS = ['create', 'list', 'revoke', 'issue'] as const;
export type EnrolmentCommandVerb = (typeof ENROLMENT_COMMAND_VERBS)[number];

export const subjects = {
  fleetAgentEvent: (agentId: string, kind: FleetEventKind): string => `fleet.agent.${agentId}.${kind}`,
  fleetAgentAll: (agentId: string): string => `fleet.agent.${agentId}.>`,
  fleetAll: 'fleet.agent.>',
  rolloutEvents: (rolloutId: string): string => `rollout.events.${rolloutId}`,
  rolloutEventsAll: 'rollout.events.>',
  rolloutCommand: (verb: RolloutCommandVerb): string => `rollout.cmd.${verb}`,
  rolloutQuery: (verb: RolloutQueryVerb): string => `rollout.query.${verb}`,
  configCommand: (verb: ConfigCommandVerb): string => `config.cmd.${verb}`,
  groupCommand: (verb: GroupCommandVerb): string => `group.cmd.${verb}`,
  enrolmentCommand: (verb: EnrolmentCommandVerb): string => `enrolment.cmd.${verb}`,
  /** Audit record of an admin write; `operation` is `<resource>.<verb>`, e.g. `rollout.start`. */
  audit: (operation: string): string => `audit.${operation}`,
  auditAll: 'audit.>',
  /** Nudge to a gateway: the desired config of these agents changed. */
  gatewayPush: (gatewayId: string): string => `gateway.${gatewayId}.push`,
  /** Request to a gateway: which of these plain-HTTP agents has polled you lately? */
  gatewayHttpSeen: (gatewayId: string): string => `gateway.${gatewayId}.http-seen`,
  /** One export of an agent's own metrics, summed up by the gateway that received it (orchestrators listen). */
  telemetryAgent: (agentId: string): string => `telemetry.agent.${agentId}`,
  telemetryAll: 'telemetry.agent.*',
  /** The error-level records of one export of an agent's own logs, picked out by the gateway that received it (orchestrators listen). */
  collectorErrors: (agentId: string): string => `telemetry.logs.${agentId}`,
  collectorErrorsAll: 'telemetry.logs.*',
} as const;
