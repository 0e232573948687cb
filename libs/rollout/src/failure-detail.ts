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

export function reportedFailure(reported: { componentErrors?: readonly string[]; errorMessage?: string; healthError?: string }, fallback: string): ReportedFailure {
  const candidates = [...(reported.componentErrors ?? []), reported.errorMessage ?? '', reported.healthError ?? ''];
  const details = [...new Set(candidates.filter((text) => text !== ''))];
  return { detail: details[0] ?? fallback, details };
}
