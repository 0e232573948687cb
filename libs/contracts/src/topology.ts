/**
 * The NATS layout of design §3, declared once. Adapters create these idempotently at start;
 * names are part of Roost's public contract.
 */
export interface StreamDeclaration {
  readonly name: string;
  readonly subjects: readonly string[];
  /** Window in which a repeated message id is dropped as a duplicate. */
  readonly duplicateWindowMs: number;
  /** 0 keeps messages forever. */
  readonly maxAgeMs: number;
}

export interface BucketDeclaration {
  readonly name: string;
  /** Entries expire this long after their last write; 0 keeps them. */
  readonly ttlMs: number;
  readonly history: number;
}

export const STREAMS = {
  fleetEvents: { name: 'FLEET_EVENTS', subjects: ['fleet.agent.>'], duplicateWindowMs: 2 * 60_000, maxAgeMs: 7 * 24 * 3_600_000 },
  rolloutEvents: { name: 'ROLLOUT_EVENTS', subjects: ['rollout.events.>'], duplicateWindowMs: 10 * 60_000, maxAgeMs: 0 },
  /** The admin API's audit trail (`AdminRequestHandled`), kept forever. */
  audit: { name: 'AUDIT', subjects: ['audit.>'], duplicateWindowMs: 2 * 60_000, maxAgeMs: 0 },
} as const satisfies Record<string, StreamDeclaration>;

export const BUCKETS = {
  agentDesired: { name: 'agent-desired', ttlMs: 0, history: 1 },
  configs: { name: 'configs', ttlMs: 0, history: 1 },
  gateways: { name: 'gateways', ttlMs: 15_000, history: 1 },
  leases: { name: 'leases', ttlMs: 10_000, history: 1 },
} as const satisfies Record<string, BucketDeclaration>;

export const ALL_STREAMS: readonly StreamDeclaration[] = Object.values(STREAMS);
export const ALL_BUCKETS: readonly BucketDeclaration[] = Object.values(BUCKETS);

/** Durable consumers, named for their content and reader. */
export const CONSUMERS = {
  orchestratorFleet: 'orchestrator-fleet',
  projectorFleet: 'projector-fleet',
  projectorRollouts: 'projector-rollouts',
} as const;
