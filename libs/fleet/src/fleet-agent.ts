/**
 * The part of an agent that fleet logic reads. Structurally a subset of the contracts'
 * AgentSnapshot (agentId = canonical instance uid text), so a snapshot can be passed as is.
 */
export interface FleetAgent {
  readonly agentId: string;
  readonly connected: boolean;
  /** AgentCapabilities bits as reported (they all fit in 53 bits). */
  readonly capabilities: number;
  readonly identifying: Readonly<Record<string, string>>;
  readonly nonIdentifying: Readonly<Record<string, string>>;
  /** The components it can run, `kind/type` (`receivers/otlp`), as it reported them; absent or null: unknown. */
  readonly availableComponents?: readonly string[] | null;
}

/** The OpAMP AgentCapabilities bits fleet and rollout logic act on. */
export const AGENT_CAPABILITY = {
  AcceptsRemoteConfig: 0x2,
  ReportsEffectiveConfig: 0x4,
  ReportsOwnMetrics: 0x40,
  ReportsOwnLogs: 0x80,
  ReportsHealth: 0x800,
  ReportsRemoteConfig: 0x1000,
} as const;
export type AgentCapabilityName = keyof typeof AGENT_CAPABILITY;

/** Bit test that stays correct above 32 bits, where JavaScript's `&` would truncate. */
export function hasCapability(capabilities: number, name: AgentCapabilityName): boolean {
  const bit = AGENT_CAPABILITY[name];
  return Math.floor(capabilities / bit) % 2 === 1;
}

/**
 * An attribute of the agent's description. Identifying attributes win over non-identifying
 * ones of the same key, because they are the ones that name the agent.
 */
export function attributeOf(agent: Pick<FleetAgent, 'identifying' | 'nonIdentifying'>, key: string): string | undefined {
  if (Object.prototype.hasOwnProperty.call(agent.identifying, key)) return agent.identifying[key];
  if (Object.prototype.hasOwnProperty.call(agent.nonIdentifying, key)) return agent.nonIdentifying[key];
  return undefined;
}
