import { configIssueLines, problemWords } from './problem-words';

const problem = (code: string, message = '', details: Record<string, unknown> = {}) => ({ status: 400, code, message, details });

describe('problem words', () => {
  it('says 401 and 403 in plain words, and the API message otherwise', () => {
    expect(problemWords(problem('auth.missing_token'))).toBe('This Roost needs a token: enter yours in the token field above.');
    expect(problemWords(problem('auth.invalid_token'))).toMatch(/does not know that token/);
    expect(problemWords(problem('auth.forbidden', 'vera (role viewer) may not rollout.pause'))).toBe('Your role may not do this (vera (role viewer) may not rollout.pause).');
    expect(problemWords(problem('transition.illegal', 'cannot resume a completed rollout'))).toBe('cannot resume a completed rollout');
  });

  it('lists a refused config\'s errors with line and column', () => {
    const refused = problem('config.invalid', 'config refused', { errors: [{ message: 'unknown receiver x', line: 4, column: 3, path: 'service' }, { message: 'no pipelines', line: null, column: null, path: 'service.pipelines' }] });
    expect(configIssueLines(refused)).toEqual(['line 4, column 3: unknown receiver x', 'service.pipelines: no pipelines']);
    expect(configIssueLines(problem('config.not_found'))).toEqual([]);
  });
});
