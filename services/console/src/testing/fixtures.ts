/** Answers of the admin API as the component tests need them, typed by the generated API types. */
import type { Agent, Caller, ConfigPage, DataPlaneJudgement, GroupList, Phase, Rollout, RolloutAgent, RolloutForecast } from '../api-types';

export const HASH_V1 = 'a1'.repeat(32);
export const HASH_V2 = 'b2'.repeat(32);

export const counts = (over: Partial<Rollout['counts']> = {}): Rollout['counts'] => ({ skipped: 0, waiting: 0, left: 0, excluded: 0, failed: 0, reverted: 0, released: 0, disconnected: 0, pending: 0, applied: 0, ...over });

export const phase = (over: Partial<Phase> = {}): Phase => ({
  index: 0,
  name: 'phase-1',
  size: '2',
  windowMs: 60_000,
  requireApproval: false,
  state: 'planned',
  allowance: 0,
  startedAt: null,
  windowEndsAt: null,
  awaitingApprovalAt: null,
  endedAt: null,
  passedBy: null,
  gate: null,
  failureReasons: {},
  targeted: 0,
  applied: 0,
  failed: 0,
  pending: 0,
  disconnected: 0,
  excluded: 0,
  ...over,
});

/** A phase's data-plane judgement: 3 canaries and 5 control agents, all reporting, one gate on the exporter failure ratio. */
export const judgement = (over: Partial<DataPlaneJudgement> = {}): DataPlaneJudgement => ({
  windowStart: 1_000,
  canary: { agents: 3, reporting: 3, withoutOwnMetrics: 0 },
  control: { agents: 5, reporting: 5, withoutOwnMetrics: 0 },
  gates: [{ gate: 'exporter.failed_ratio <= control+0.01', metric: 'exporter.failed_ratio', canary: 0, control: 0, threshold: 0.01, outcome: 'pass' }],
  notes: [],
  ...over,
});

export const rollout = (over: Partial<Rollout> = {}): Rollout => ({
  rolloutId: 'r-1',
  group: 'shop',
  target: 'group shop',
  targetSpec: null,
  configHash: HASH_V2,
  plan: [],
  threshold: 0.1,
  minOutcomeRatio: 1,
  policy: 'rollback',
  baselineConfigHash: null,
  status: 'in_progress',
  currentPhase: 'phase-1',
  phaseIndex: 0,
  awaitingApproval: false,
  pausedBy: null,
  pauseReason: null,
  pausedByActor: null,
  matched: 8,
  eligible: 8,
  members: 8,
  targeted: 2,
  counts: counts({ pending: 2, waiting: 6 }),
  skippedBy: {},
  failedBy: {},
  failureRatio: 0,
  allowedFailures: 0,
  failureReason: null,
  failedPhase: null,
  startedAt: 1_000,
  updatedAt: 2_000,
  endedAt: null,
  timestamps: {},
  version: 3,
  undoOf: null,
  undoneBy: null,
  phases: [phase({ state: 'running', targeted: 2, pending: 2, startedAt: 1_000, windowEndsAt: 61_000 }), phase({ index: 1, name: 'phase-2', size: '100%' })],
  failures: [],
  transitions: [
    { n: 1, type: 'RolloutStarted', at: 1_000, details: { matched: 8, eligible: 8 } },
    { n: 2, type: 'PhaseStarted', at: 1_000, details: { phase: 0, name: 'phase-1' } },
  ],
  ...over,
});

export const failedAgent = (agentId: string, detail: string): RolloutAgent => ({
  agentId,
  state: 'failed',
  membership: 'member',
  stratum: null,
  reportsRemoteConfig: true,
  reportsHealth: true,
  phase: 0,
  configHash: HASH_V2,
  previousConfigHash: HASH_V1,
  connected: true,
  targetedAt: 1_000,
  receivedAt: 1_100,
  appliedAt: null,
  appliedVia: null,
  health: null,
  failure: { reason: 'apply_failed', detail, details: [detail], at: 1_200 },
  skip: null,
  exclusion: null,
  revert: null,
  release: null,
  error: detail,
  updatedAt: 1_200,
  stateSince: 1_200,
});

export const caller = (role: Caller['role']): Caller =>
  ({ name: role === 'viewer' ? 'vera' : 'otto', role, permissions: role === 'viewer' ? ['read'] : role === 'operator' ? ['read', 'write'] : ['read', 'write', 'audit'] });

export const groups = (): GroupList =>
  ({
    fleet: { agents: 10, connected: 9, disconnected: 1, health: { healthy: 8, unhealthy: 1, unknown: 1 }, configs: { [HASH_V1]: 7, [HASH_V2]: 3 } },
    groups: [
      { group: 'shop', agents: 8, connected: 8, disconnected: 0, health: { healthy: 7, unhealthy: 1, unknown: 0 }, configs: { [HASH_V1]: 6, [HASH_V2]: 2 } },
      { group: 'edge', agents: 2, connected: 1, disconnected: 1, health: { healthy: 1, unhealthy: 0, unknown: 1 }, configs: { [HASH_V1]: 1, [HASH_V2]: 1 } },
    ],
    refs: { [HASH_V1]: 'shop-edge@1', [HASH_V2]: 'shop-edge@2' },
  });

export const configs = (): ConfigPage => ({ total: 1, offset: 0, items: [{ name: 'shop-edge', versions: 2, latestVersion: 2, latestHash: HASH_V2, updatedAt: 2_000 }] });

export const forecast = (over: Partial<RolloutForecast> = {}): RolloutForecast =>
  ({
    rolloutId: 'r-forecast',
    target: 'group shop',
    configHash: HASH_V2,
    matched: 8,
    members: 7,
    skipped: { already_on_config: 1 },
    skippedSample: { already_on_config: ['agent-8'] },
    phases: [
      { index: 0, name: 'phase-1', size: '2', windowMs: 30_000, requireApproval: false, agents: 2, cumulative: 2, byStratum: null, sample: ['agent-1', 'agent-2'] },
      { index: 1, name: 'phase-2', size: '100%', windowMs: 0, requireApproval: false, agents: 5, cumulative: 7, byStratum: null, sample: ['agent-3'] },
    ],
    firstPhaseAgents: ['agent-1', 'agent-2'],
    earliestMs: 30_000,
    warnings: [],
    missingComponents: { policy: 'exclude', required: [], agents: 0, byComponent: {}, sample: [], unreported: 0 },
    ...over,
  });

export const agent = (agentId: string, over: Partial<Agent> = {}): Agent => ({
  agentId,
  gatewayId: 'gw-1',
  transport: 'websocket',
  connected: true,
  capabilities: 3,
  capabilityNames: ['ReportsStatus', 'AcceptsRemoteConfig'],
  identifying: { 'service.name': 'otelcol', 'service.instance.id': `${agentId}-instance` },
  nonIdentifying: { 'service.environment': 'shop', 'host.name': `${agentId}.example` },
  group: 'shop',
  healthState: 'healthy',
  health: { healthy: true, lastError: '', status: 'StatusOK', reportedAt: 1_000 },
  remoteConfigStatus: { hash: HASH_V1, status: 'APPLIED', errorMessage: '', reportedAt: 1_000 },
  effectiveConfigHash: HASH_V1,
  clientCertificate: null,
  currentConfigHash: HASH_V1,
  desired: null,
  firstSeenAt: 500,
  updatedAt: 1_000,
  connectedAt: 500,
  disconnectedAt: null,
  lastEvent: 'connected',
  ...over,
});
