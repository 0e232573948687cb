/**
 * The NATS layout of design §3, declared once. Adapters create these idempotently at start;
 * names are part of Roost's public contract. Replicas and limits are settings (see
 * topology-settings.ts); the values here are the defaults, sized for a 100k-agent fleet
 * (docs/operations.md, "Running on a NATS cluster").
 */
export interface StreamDeclaration {
  readonly name: string;
  readonly subjects: readonly string[];
  /** Window in which a repeated message id is dropped as a duplicate. */
  readonly duplicateWindowMs: number;
  /** 0 keeps messages forever. */
  readonly maxAgeMs: number;
  /** Most bytes kept; 0 = no limit. */
  readonly maxBytes: number;
  /**
   * What a full stream does: `old` drops its oldest messages (a window of facts), `new` refuses
   * the append (history that must never be lost silently: the writer fails loudly instead).
   */
  readonly discard: 'old' | 'new';
  /** Copies a JetStream cluster keeps: 1 on one server, 3 on a cluster of three or more. */
  readonly replicas: number;
}

export interface BucketDeclaration {
  readonly name: string;
  /** Entries expire this long after their last write; 0 keeps them. */
  readonly ttlMs: number;
  readonly history: number;
  /** As for streams: 1 on one server, 3 on a cluster. */
  readonly replicas: number;
}

const GIB = 1024 ** 3;
const DAY_MS = 24 * 3_600_000;

export const STREAMS = {
  fleetEvents: { name: 'FLEET_EVENTS', subjects: ['fleet.agent.>'], duplicateWindowMs: 2 * 60_000, maxAgeMs: 7 * DAY_MS, maxBytes: 8 * GIB, discard: 'old', replicas: 1 },
  rolloutEvents: { name: 'ROLLOUT_EVENTS', subjects: ['rollout.events.>'], duplicateWindowMs: 10 * 60_000, maxAgeMs: 0, maxBytes: 8 * GIB, discard: 'new', replicas: 1 },
  /** The admin API's audit trail (`AdminRequestHandled`), kept forever. */
  audit: { name: 'AUDIT', subjects: ['audit.>'], duplicateWindowMs: 2 * 60_000, maxAgeMs: 0, maxBytes: 1 * GIB, discard: 'new', replicas: 1 },
} as const satisfies Record<string, StreamDeclaration>;

export const BUCKETS = {
  agentDesired: { name: 'agent-desired', ttlMs: 0, history: 1, replicas: 1 },
  configs: { name: 'configs', ttlMs: 0, history: 1, replicas: 1 },
  /** Per agent, the effective config it last reported (written by gateways when it changes). */
  effectiveConfigs: { name: 'effective-configs', ttlMs: 0, history: 1, replicas: 1 },
  /** Agent enrolment tokens by id: name, scope, SHA-256 of the secret, expiry, revocation (enrolment-tokens.ts). */
  enrolmentTokens: { name: 'enrolment-tokens', ttlMs: 0, history: 1, replicas: 1 },
  gateways: { name: 'gateways', ttlMs: 15_000, history: 1, replicas: 1 },
  leases: { name: 'leases', ttlMs: 10_000, history: 1, replicas: 1 },
} as const satisfies Record<string, BucketDeclaration>;

export const ALL_STREAMS: readonly StreamDeclaration[] = Object.values(STREAMS);
export const ALL_BUCKETS: readonly BucketDeclaration[] = Object.values(BUCKETS);

/** Durable consumers, named for their content and reader. */
export const CONSUMERS = {
  orchestratorFleet: 'orchestrator-fleet',
  projectorFleet: 'projector-fleet',
  projectorRollouts: 'projector-rollouts',
} as const;
