/**
 * What a failed agent reported, and the one message it is grouped under. A collector supervisor
 * reports the same words for every crash ("Agent exited unexpectedly with exit code 1 while
 * applying configuration"), so two different bad configs would look like one failure; the
 * collector's own component health names the component at fault when it reports one.
 */
export interface ReportedFailure {
  /** The most specific message: a component's error, else the remote config status message, else the health error, else `fallback`. */
  readonly detail: string;
  /** Every distinct message the agent reported, most specific first (empty when it reported none). */
  readonly details: readonly string[];
}

/**
 * Ranks what an agent said, narrowest source first: errors of named components (deepest first,
 * as the gateway lists them), the remote config status message (about this config), then the
 * agent's top-level health error (a supervisor's carries a process id, so it is the last to
 * group by).
 */
/** A status report's health parts only when that health was reported since the push (`targetedAt`). */
export function sincePush(
  input: { errorMessage: string; healthError?: string; componentErrors?: readonly string[]; healthObservedAt?: number },
  targetedAt: number | null,
): { errorMessage: string; healthError?: string; componentErrors?: readonly string[] } {
  const fresh = targetedAt !== null && input.healthObservedAt !== undefined && input.healthObservedAt >= targetedAt;
  return fresh ? input : { errorMessage: input.errorMessage };
}

/**
 * The error-level records of an agent's own logs received since a time (newest first, each text
 * once); null when the agent does not report its own logs (no ReportsOwnLogs, or no facts).
 */
export type CollectorErrorsOf = (agentId: string, since: number) => readonly string[] | null;

/**
 * Said beside a failure of an agent that reports its own logs when none of its error records
 * arrived since the push: where the collector's error is then (docs/rollouts.md, "The
 * collector's own errors").
 */
export const NO_COLLECTOR_LOG =
  "no error record in the collector's own logs since the push: an error before its own telemetry starts (a config it cannot unmarshal) is only in its stderr — the supervisor's log with agent::passthrough_logs, else agent.log in the supervisor's storage directory";

/**
 * `collectorLog`: the error records of the collector's own logs since the push, newest first
 * (collectorErrorsSince), the most specific of all (the collector's own words for a crash the
 * supervisor reports as "exited unexpectedly"): the newest, the last thing a crashing collector
 * logs, is the detail; an empty list adds NO_COLLECTOR_LOG to the details; null (the agent does
 * not report its own logs) adds nothing.
 */
export function reportedFailure(
  reported: { componentErrors?: readonly string[]; errorMessage?: string; healthError?: string },
  fallback: string,
  collectorLog: readonly string[] | null = null,
): ReportedFailure {
  const candidates = [...(collectorLog ?? []), ...(reported.componentErrors ?? []), reported.errorMessage ?? '', reported.healthError ?? ''];
  const details = [...new Set(candidates.filter((text) => text !== ''))];
  const detail = details[0] ?? fallback;
  return { detail, details: collectorLog?.length === 0 ? [...details, NO_COLLECTOR_LOG] : details };
}

/** What the facts hold of the agent's own error records since it was targeted; null without any to read. */
export function collectorErrorsSince(collectorErrors: CollectorErrorsOf | undefined, agentId: string, targetedAt: number | null): readonly string[] | null {
  return collectorErrors === undefined || targetedAt === null ? null : collectorErrors(agentId, targetedAt);
}
