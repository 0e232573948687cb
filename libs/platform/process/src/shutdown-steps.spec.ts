import { FORCED_EXIT_CODE, nextShutdownStep, type ShutdownEvent, type ShutdownPhase, type ShutdownSettings } from './shutdown-steps';

const gateway: ShutdownSettings = { name: 'gateway' };
const roost: ShutdownSettings = { name: 'roost', timeoutMs: 20_000 };

/** The phases and steps after each event in turn, from a running process. */
function run(settings: ShutdownSettings, events: readonly ShutdownEvent[]) {
  let phase: ShutdownPhase = 'running';
  return events.map((event) => {
    const step = nextShutdownStep(phase, event, settings);
    phase = step.phase;
    return step;
  });
}

describe('nextShutdownStep', () => {
  it('starts one graceful stop at the first signal and names what stops', () => {
    expect(run(gateway, [{ kind: 'signal', signal: 'SIGTERM' }])).toEqual([
      { phase: 'stopping', beginStop: true, line: { level: 'info', fields: { signal: 'SIGTERM' }, message: 'stopping gateway' } },
    ]);
  });

  it('carries the timeout in the first line when there is one', () => {
    const [first] = run(roost, [{ kind: 'signal', signal: 'SIGINT' }]);
    expect(first?.line).toEqual({ level: 'info', fields: { signal: 'SIGINT', timeoutMs: 20_000 }, message: 'stopping roost' });
  });

  it('exits 0 without a line of its own once the stop resolves', () => {
    const [, stopped] = run(gateway, [{ kind: 'signal', signal: 'SIGTERM' }, { kind: 'stopped' }]);
    expect(stopped).toEqual({ phase: 'exiting', exitCode: 0 });
  });

  it('exits 1 and logs the error when the stop rejects', () => {
    const [, failed] = run(gateway, [{ kind: 'signal', signal: 'SIGTERM' }, { kind: 'failed', error: new Error('nats drain failed') }]);
    expect(failed).toEqual({ phase: 'exiting', exitCode: 1, line: { level: 'error', fields: { error: 'nats drain failed' }, message: 'unclean stop' } });
  });

  it('logs a rejection that is not an Error as text', () => {
    const [, failed] = run(gateway, [{ kind: 'signal', signal: 'SIGTERM' }, { kind: 'failed', error: 'closed twice' }]);
    expect(failed?.line?.fields).toEqual({ error: 'closed twice' });
  });

  it('exits 1 when the stop outlasts the timeout', () => {
    const [, late] = run(roost, [{ kind: 'signal', signal: 'SIGTERM' }, { kind: 'timed-out' }]);
    expect(late).toEqual({ phase: 'exiting', exitCode: 1, line: { level: 'error', fields: { timeoutMs: 20_000 }, message: 'graceful stop took too long; exiting' } });
  });

  it('exits at once with 130 at a second signal, without starting another stop', () => {
    const [, second] = run(gateway, [{ kind: 'signal', signal: 'SIGTERM' }, { kind: 'signal', signal: 'SIGINT' }]);
    expect(FORCED_EXIT_CODE).toBe(130);
    expect(second).toEqual({ phase: 'exiting', exitCode: 130, line: { level: 'warn', fields: { signal: 'SIGINT' }, message: 'second signal: exiting without finishing the stop' } });
  });

  it('does nothing for a stop outcome before any signal', () => {
    expect(run(roost, [{ kind: 'stopped' }, { kind: 'failed', error: 'x' }, { kind: 'timed-out' }])).toEqual([{ phase: 'running' }, { phase: 'running' }, { phase: 'running' }]);
  });

  it('does nothing once it has decided to exit', () => {
    const steps = run(roost, [{ kind: 'signal', signal: 'SIGTERM' }, { kind: 'timed-out' }, { kind: 'stopped' }, { kind: 'signal', signal: 'SIGTERM' }]);
    expect(steps.slice(2)).toEqual([{ phase: 'exiting' }, { phase: 'exiting' }]);
  });
});
