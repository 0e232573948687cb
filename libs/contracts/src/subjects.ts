/** Every subject Roost uses is built here; tokens are lowercase and domain-first. */
export const FLEET_EVENT_KINDS = [
  'connected',
  'description',
  'capabilities',
  'health',
  'remote-config-status',
  'effective-config',
  'disconnected',
] as const;
export type FleetEventKind = (typeof FLEET_EVENT_KINDS)[number];

export const ROLLOUT_COMMAND_VERBS = ['start', 'pause', 'resume', 'promote', 'abort', 'rollback'] as const;
export type RolloutCommandVerb = (typeof ROLLOUT_COMMAND_VERBS)[number];

export const subjects = {
  fleetAgentEvent: (agentId: string, kind: FleetEventKind): string => `fleet.agent.${agentId}.${kind}`,
  fleetAgentAll: (agentId: string): string => `fleet.agent.${agentId}.>`,
  fleetAll: 'fleet.agent.>',
  rolloutEvents: (rolloutId: string): string => `rollout.events.${rolloutId}`,
  rolloutEventsAll: 'rollout.events.>',
  rolloutCommand: (verb: RolloutCommandVerb): string => `rollout.cmd.${verb}`,
  /** Nudge to a gateway: the desired config of these agents changed. */
  gatewayPush: (gatewayId: string): string => `gateway.${gatewayId}.push`,
} as const;
