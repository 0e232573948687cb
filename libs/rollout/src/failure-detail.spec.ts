import { NO_COLLECTOR_LOG, reportedFailure, sincePush } from './failure-detail';

describe('reportedFailure', () => {
  it('names a component first, then the remote config message, then the health error, without repeats', () => {
    expect(reportedFailure({ componentErrors: ['exporter:otlp: refused', 'processor:batch: x'], errorMessage: 'apply failed', healthError: 'apply failed' }, 'fallback')).toEqual({
      detail: 'exporter:otlp: refused',
      details: ['exporter:otlp: refused', 'processor:batch: x', 'apply failed'],
    });
    expect(reportedFailure({ errorMessage: '', healthError: 'unhealthy: exporter failing' }, 'fallback')).toEqual({ detail: 'unhealthy: exporter failing', details: ['unhealthy: exporter failing'] });
    expect(reportedFailure({}, 'the agent reported FAILED')).toEqual({ detail: 'the agent reported FAILED', details: [] });
  });

  it("puts the collector's own error records first; with none arrived, says where to look, never as the detail", () => {
    expect(reportedFailure({ errorMessage: 'exited', componentErrors: ['c: e'] }, 'fallback', ['own error', 'c: e'])).toEqual({ detail: 'own error', details: ['own error', 'c: e', 'exited'] });
    expect(reportedFailure({ errorMessage: 'exited' }, 'fallback', [])).toEqual({ detail: 'exited', details: ['exited', NO_COLLECTOR_LOG] });
    expect(reportedFailure({}, 'fallback', [])).toEqual({ detail: 'fallback', details: [NO_COLLECTOR_LOG] });
    expect(reportedFailure({ errorMessage: 'exited' }, 'fallback', null)).toEqual({ detail: 'exited', details: ['exited'] });
  });

  it('keeps a status report\'s health only when it was reported since the push', () => {
    const input = { errorMessage: 'bad', healthError: 'h', componentErrors: ['c: e'], healthObservedAt: 100 };
    expect(sincePush(input, 100)).toBe(input);
    expect(sincePush(input, 101)).toEqual({ errorMessage: 'bad' });
    expect(sincePush({ errorMessage: 'bad' }, 0)).toEqual({ errorMessage: 'bad' });
  });
});
