import type { AgentEnrolment, AgentSnapshot, ClientCertificate } from '@roost/contracts';
import type { HealthState } from './fleet-projection';

/** The config the rollout events last assigned an agent (`roost:fleet:desired`). */
export interface DesiredConfigView {
  /** null: no remote config desired (released by a rollout, never had one). */
  readonly configHash: string | null;
  readonly rolloutId: string;
  /** AgentsTargeted (the rollout's config), AgentsReverted (sent back on rollback) or AgentsReleased (put back when the rollout finished before it applied). */
  readonly setBy: 'AgentsTargeted' | 'AgentsReverted' | 'AgentsReleased';
  readonly at: number;
}

/** `roost:fleet:agent:<uid>` (and its entry in `roost:fleet:desired`), decoded. */
export interface AgentDetailView {
  readonly agentId: string;
  readonly gatewayId: string;
  readonly transport: AgentSnapshot['transport'];
  readonly connected: boolean;
  readonly capabilities: number;
  readonly capabilityNames: readonly string[];
  /** The agent description. */
  readonly identifying: Readonly<Record<string, string>>;
  readonly nonIdentifying: Readonly<Record<string, string>>;
  readonly group: string;
  readonly healthState: HealthState;
  readonly health: AgentSnapshot['health'];
  readonly remoteConfigStatus: AgentSnapshot['remoteConfigStatus'];
  readonly effectiveConfigHash: string | null;
  /** The TLS client certificate it last connected with (mTLS); null without one. */
  readonly clientCertificate: ClientCertificate | null;
  /** The enrolment token it last connected with; null with the shared token or none. */
  readonly enrolment: AgentEnrolment | null;
  /** What it runs: the remote config it reported APPLIED, else its effective config hash; `none` otherwise. */
  readonly currentConfigHash: string;
  readonly desired: DesiredConfigView | null;
  readonly firstSeenAt: number;
  readonly updatedAt: number;
  readonly connectedAt: number | null;
  readonly disconnectedAt: number | null;
  readonly lastEvent: string;
}

function parse<T>(text: string | undefined | null, fallback: T): T {
  if (text === undefined || text === null || text === '') return fallback;
  try {
    return JSON.parse(text) as T;
  } catch {
    return fallback;
  }
}

const numOrNull = (value: string | undefined): number | null => (value === undefined || value === '' ? null : Number(value));

/** Decodes an agent's detail hash; null when the agent was never seen. */
export function agentDetailFromHash(hash: Readonly<Record<string, string>>, desired: string | null): AgentDetailView | null {
  if (hash.agent_id === undefined) return null;
  return {
    agentId: hash.agent_id,
    gatewayId: hash.gateway_id ?? '',
    transport: (hash.transport ?? 'websocket') as AgentSnapshot['transport'],
    connected: hash.connected === 'true',
    capabilities: Number(hash.capabilities ?? 0),
    capabilityNames: parse<string[]>(hash.capability_names, []),
    identifying: parse<Record<string, string>>(hash.identifying, {}),
    nonIdentifying: parse<Record<string, string>>(hash.non_identifying, {}),
    group: hash.group ?? '',
    healthState: (hash.health_state ?? 'unknown') as HealthState,
    health: parse<AgentSnapshot['health']>(hash.health, null),
    remoteConfigStatus: parse<AgentSnapshot['remoteConfigStatus']>(hash.remote_config_status, null),
    effectiveConfigHash: hash.effective_config_hash === undefined || hash.effective_config_hash === '' ? null : hash.effective_config_hash,
    clientCertificate: parse<ClientCertificate | null>(hash.client_certificate, null),
    enrolment: parse<AgentEnrolment | null>(hash.enrolment, null),
    currentConfigHash: hash.config_hash ?? 'none',
    desired: parse<DesiredConfigView | null>(desired, null),
    firstSeenAt: Number(hash.first_seen_at ?? 0),
    updatedAt: Number(hash.updated_at ?? 0),
    connectedAt: numOrNull(hash.connected_at),
    disconnectedAt: numOrNull(hash.disconnected_at),
    lastEvent: hash.last_event ?? '',
  };
}

/** Counters of the whole fleet (`roost:fleet:summary`) or of one group (`roost:fleet:group:<g>`). */
export interface FleetCountsView {
  readonly agents: number;
  readonly connected: number;
  readonly disconnected: number;
  readonly health: Readonly<Record<HealthState, number>>;
  /** Config hash (or `none`) → agents running it; only non-zero entries. */
  readonly configs: Readonly<Record<string, number>>;
}

export function fleetCountsFromHash(hash: Readonly<Record<string, string>>): FleetCountsView {
  const n = (field: string): number => Math.max(0, Number(hash[field] ?? 0));
  const configs: Record<string, number> = {};
  for (const [field, value] of Object.entries(hash)) {
    if (field.startsWith('config.') && Number(value) > 0) configs[field.slice('config.'.length)] = Number(value);
  }
  return {
    agents: n('agents'),
    connected: n('connection.connected'),
    disconnected: n('connection.disconnected'),
    health: { healthy: n('health.healthy'), unhealthy: n('health.unhealthy'), unknown: n('health.unknown') },
    configs,
  };
}

/** `roost:fleet:groups` decoded: group → agents, only non-empty groups. */
export function groupsFromHash(hash: Readonly<Record<string, string>>): Readonly<Record<string, number>> {
  return Object.fromEntries(Object.entries(hash).filter(([, count]) => Number(count) > 0).map(([group, count]) => [group, Number(count)]));
}
