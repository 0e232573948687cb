import { reportedFailure, sincePush } from './failure-detail';

describe('reportedFailure', () => {
  it('names a component first, then the remote config message, then the health error, without repeats', () => {
    expect(reportedFailure({ componentErrors: ['exporter:otlp: refused', 'processor:batch: x'], errorMessage: 'apply failed', healthError: 'apply failed' }, 'fallback')).toEqual({
      detail: 'exporter:otlp: refused',
      details: ['exporter:otlp: refused', 'processor:batch: x', 'apply failed'],
    });
    expect(reportedFailure({ errorMessage: '', healthError: 'unhealthy: exporter failing' }, 'fallback')).toEqual({ detail: 'unhealthy: exporter failing', details: ['unhealthy: exporter failing'] });
    expect(reportedFailure({}, 'the agent reported FAILED')).toEqual({ detail: 'the agent reported FAILED', details: [] });
  });

  it('keeps a status report\'s health only when it was reported since the push', () => {
    const input = { errorMessage: 'bad', healthError: 'h', componentErrors: ['c: e'], healthObservedAt: 100 };
    expect(sincePush(input, 100)).toBe(input);
    expect(sincePush(input, 101)).toEqual({ errorMessage: 'bad' });
    expect(sincePush({ errorMessage: 'bad' }, 0)).toEqual({ errorMessage: 'bad' });
  });
});
