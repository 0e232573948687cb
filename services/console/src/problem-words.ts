/** An answer of the admin API that was not a success, in words for people. */
export interface ApiProblem {
  readonly status: number;
  readonly code: string;
  readonly message: string;
  readonly details: Readonly<Record<string, unknown>>;
}

/**
 * What to tell the person at the screen: 401 and 403 in plain words (what to do about it), the
 * API's own message otherwise; status 0 is a request that got no answer at all.
 */
export function problemWords(problem: ApiProblem): string {
  switch (problem.code) {
    case 'auth.missing_token':
      return 'This Roost needs a token: enter yours in the token field above.';
    case 'auth.invalid_token':
      return 'This Roost does not know that token: check it, or ask an admin for one.';
    case 'auth.forbidden':
      return `Your role may not do this (${problem.message}).`;
    case 'network':
      return `Roost did not answer (${problem.message}); is it running?`;
    default:
      return problem.message === '' ? `Roost answered ${problem.status} (${problem.code})` : problem.message;
  }
}

/** Config validation errors (`config.invalid`) as `line L, column C: message` lines. */
export function configIssueLines(problem: ApiProblem): string[] {
  const errors = problem.details['errors'];
  if (problem.code !== 'config.invalid' || !Array.isArray(errors)) return [];
  return errors.map((issue: { message?: string; line?: number | null; column?: number | null; path?: string }) => {
    const where = issue.line === null || issue.line === undefined ? (issue.path ?? '') : `line ${issue.line}, column ${issue.column ?? 1}`;
    return `${where === '' ? '' : `${where}: `}${issue.message ?? ''}`;
  });
}
