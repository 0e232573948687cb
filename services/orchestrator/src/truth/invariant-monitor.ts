import type { Logger } from '@roost/ports';
import { invariantSteps, runSteps, type DesiredEntry, type InvariantViolation, type ReportedConfig, type RolloutState, type Steps, type TruthSnapshot } from '@roost/rollout';
import { runInSlices } from '../event-loop-slices';
import type { FleetView } from '../fleet/fleet-view';
import type { OrchestratorMetrics } from '../orchestrator-metrics';
import type { DesiredMirror } from '../rollouts/desired-mirror';

export interface InvariantMonitorDeps {
  /** The rollouts the leader holds (active, or ended and still named by a desired entry); null while this process does not lead. */
  readonly rollouts: () => ReadonlyMap<string, RolloutState> | null;
  readonly mirror: DesiredMirror;
  readonly view: FleetView;
  readonly metrics: OrchestratorMetrics;
  readonly logger: Logger;
  readonly intervalMs: number;
}

export interface InvariantMonitor {
  /** Runs one check now and returns what it found (persistent or not). */
  check(): InvariantViolation[];
  stop(): void;
}

const keyOf = (violation: InvariantViolation): string => `${violation.rule}|${violation.agentId}|${violation.rolloutId ?? ''}|${violation.detail}`;

/**
 * Runs the pure invariant checker of @roost/rollout over what the leader holds — the rollouts,
 * `agent-desired` (watched) and the fleet view — every `intervalMs`, in slices that give the
 * event loop a turn (at 100,000 agents a check is a second of work). A decision and its desired
 * writes are not one atomic step, so a violation counts only when two checks in a row find it;
 * it then adds 1 to `roost_invariant_violations_total{rule}` and is logged (error, with the
 * rule, agent, rollout and what is wrong). A violation that clears and comes back counts again.
 */
export function startInvariantMonitor(deps: InvariantMonitorDeps): InvariantMonitor {
  let seen = new Set<string>();
  const reported = new Set<string>();
  /** The rollouts and desired entries as they are now; what agents report is read as the check reaches them. */
  const snapshot = (): TruthSnapshot | null => {
    const rollouts = deps.rollouts();
    if (rollouts === null) return null;
    const desired = new Map<string, DesiredEntry>();
    for (const [agentId, entry] of deps.mirror.all()) desired.set(agentId, entry);
    return { rollouts, desired, reported: (agentId) => reportedOf(deps.view, agentId) };
  };
  const record = (violations: InvariantViolation[]): InvariantViolation[] => {
    const now = new Set(violations.map(keyOf));
    for (const violation of violations) {
      const key = keyOf(violation);
      if (!seen.has(key) || reported.has(key)) continue;
      reported.add(key);
      deps.metrics.invariantViolations.inc({ rule: violation.rule });
      deps.logger.error({ rule: violation.rule, agentId: violation.agentId, rolloutId: violation.rolloutId, detail: violation.detail }, `invariant violated: ${violation.rule}`);
    }
    for (const key of reported) if (!now.has(key)) reported.delete(key);
    seen = now;
    return violations;
  };
  const steps = (truth: TruthSnapshot | null): Steps<InvariantViolation[]> | null => {
    if (truth !== null) return invariantSteps(truth);
    seen = new Set();
    return null;
  };
  let checking = false;
  const timer = setInterval(() => {
    if (checking) return;
    const check = steps(snapshot());
    if (check === null) return;
    checking = true;
    runInSlices(check)
      .then(({ value }) => record(value))
      .catch((error: unknown) => deps.logger.error({ err: String(error) }, 'invariant check failed'))
      .finally(() => {
        checking = false;
      });
  }, deps.intervalMs);
  timer.unref();
  return {
    check: () => {
      const check = steps(snapshot());
      return check === null ? [] : record(runSteps(check));
    },
    stop: () => clearInterval(timer),
  };
}

function reportedOf(view: FleetView, agentId: string): ReportedConfig | null {
  const status = view.snapshot(agentId)?.remoteConfigStatus;
  return status === null || status === undefined ? null : { hash: status.hash, status: status.status, at: status.reportedAt };
}
