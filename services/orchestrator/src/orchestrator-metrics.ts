import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { INVARIANT_RULES, type RolloutState } from '@roost/rollout';
import type { RolloutMetricSamples } from './rollouts/rollout-metric-samples';

/** Every rollout status, so a dashboard sees each at 0 rather than no series. */
const ROLLOUT_STATUSES: readonly RolloutState['status'][] = ['pending', 'in_progress', 'paused', 'completed', 'rolled_back', 'aborted', 'failed'];

/** What the metrics read of the running orchestrator at each scrape. */
export interface OrchestratorGauges {
  /** True while this process leads and answers commands. */
  isLeader(): boolean;
  /** How many rollouts this leader knows, by status (null on a standby). */
  rolloutCounts(): ReadonlyMap<RolloutState['status'], number> | null;
  /** How many rollouts' full state the leader holds (0 on a standby). */
  rolloutsHeld(): number;
}

/** The orchestrator's Prometheus metrics, in a registry of its own (several orchestrators share a test process). */
export interface OrchestratorMetrics {
  readonly registry: Registry;
  /** Violations of the invariants of design §4 found by the running checker, counted once each. */
  readonly invariantViolations: Counter<'rule'>;
  /** Rollout decisions whose gates and deadlines waited for the fleet view to catch up. */
  readonly decisionsHeld: Counter<'reason'>;
  /** Admin commands answered, by verb (`rollout.start`, `config.get`, …) and result (`ok` or the error code). */
  readonly commands: Counter<'verb' | 'result'>;
  /** Adds what one stored rollout decision did. */
  record(samples: RolloutMetricSamples): void;
  /** Reads leadership and rollout statuses at each scrape. */
  watch(gauges: OrchestratorGauges): void;
}

export function createOrchestratorMetrics(): OrchestratorMetrics {
  const registry = new Registry();
  const registers = [registry];
  const invariantViolations = new Counter({
    name: 'roost_invariant_violations_total',
    help: 'Invariant violations found by the running checker (rule: config_outside_rollout, agent_in_two_rollouts, terminal_rollout_pending); each persistent violation counts once',
    labelNames: ['rule'],
    registers,
  });
  // Every rule shows from the start, at 0: a dashboard can alert on any increase.
  for (const rule of INVARIANT_RULES) invariantViolations.inc({ rule }, 0);
  const decisionsHeld = new Counter({
    name: 'roost_rollout_decisions_held_total',
    help: 'Rollout decisions whose gates and deadlines waited because the fleet view was behind FLEET_EVENTS',
    labelNames: ['reason'],
    registers,
  });
  const commands = new Counter({ name: 'roost_orchestrator_commands_total', help: 'Admin commands the leader answered, by verb (rollout.start, config.get, ...) and result (ok or the error code)', labelNames: ['verb', 'result'], registers });
  const started = new Counter({ name: 'roost_rollouts_started_total', help: 'Rollouts started by this process while it led', registers });
  const ended = new Counter({ name: 'roost_rollouts_ended_total', help: 'Rollouts that ended while this process led, by final status (completed, rolled_back, aborted, failed)', labelNames: ['status'], registers });
  const phasesStarted = new Counter({ name: 'roost_rollout_phases_started_total', help: 'Rollout phases started', registers });
  const gateDecisions = new Counter({
    name: 'roost_rollout_gate_decisions_total',
    help: 'Phase gate decisions: decision passed (reason gate or promote), failed (reason: the failure reason counting most agents) or awaiting_approval',
    labelNames: ['decision', 'reason'],
    registers,
  });
  const phaseSeconds = new Histogram({
    name: 'roost_rollout_phase_duration_seconds',
    help: 'Time from a phase start to its pass or failure (outcome passed or failed)',
    labelNames: ['outcome'],
    buckets: [1, 5, 15, 30, 60, 120, 300, 600, 1_800, 3_600, 14_400, 86_400],
    registers,
  });
  const agentOutcomes = new Counter({
    name: 'roost_rollout_agent_outcomes_total',
    help: 'Agent outcomes recorded by rollouts: applied, failed, excluded, skipped, reverted, released, revert_applied, revert_failed',
    labelNames: ['outcome'],
    registers,
  });
  for (const outcome of ['applied', 'failed']) agentOutcomes.inc({ outcome }, 0);
  for (const status of ['completed', 'rolled_back', 'aborted', 'failed']) ended.inc({ status }, 0);

  let gauges: OrchestratorGauges | null = null;
  new Gauge({
    name: 'roost_orchestrator_leader',
    help: '1 while this orchestrator leads (runs rollouts and answers commands), else 0',
    registers,
    collect() {
      this.set(gauges?.isLeader() === true ? 1 : 0);
    },
  });
  new Gauge({
    name: 'roost_rollouts',
    help: 'Rollouts the leader knows, by status (a standby reports none)',
    labelNames: ['status'],
    registers,
    collect() {
      const counts = new Map<string, number>(ROLLOUT_STATUSES.map((status) => [status, 0]));
      for (const [status, count] of gauges?.rolloutCounts() ?? []) counts.set(status, count);
      for (const [status, value] of counts) this.set({ status }, value);
    },
  });
  new Gauge({
    name: 'roost_rollouts_held',
    help: 'Rollouts whose full state the leader holds in memory: active, recording late reports, or named by an agent-desired entry',
    registers,
    collect() {
      this.set(gauges?.rolloutsHeld() ?? 0);
    },
  });

  return {
    registry,
    invariantViolations,
    decisionsHeld,
    commands,
    record(samples) {
      if (samples.started > 0) started.inc(samples.started);
      for (const [status, count] of Object.entries(samples.ended)) ended.inc({ status }, count);
      if (samples.phasesStarted > 0) phasesStarted.inc(samples.phasesStarted);
      for (const { decision, reason } of samples.gateDecisions) gateDecisions.inc({ decision, reason });
      for (const { outcome, seconds } of samples.phaseDurations) phaseSeconds.observe({ outcome }, seconds);
      for (const [outcome, count] of Object.entries(samples.agentOutcomes)) agentOutcomes.inc({ outcome }, count ?? 0);
    },
    watch(next) {
      gauges = next;
    },
  };
}
