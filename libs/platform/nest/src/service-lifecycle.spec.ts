import { ServiceLifecycle, StartAbandonedError } from './service-lifecycle';

/** A service that records when it starts and stops, and starts after `delayMs`. */
function recorder() {
  const log: string[] = [];
  const service = (name: string, delayMs = 0) => async () => {
    await new Promise((wake) => setTimeout(wake, delayMs));
    log.push(`start ${name}`);
    return name;
  };
  const stopOf = (name: string) => () => async () => void log.push(`stop ${name}`);
  return { log, service, stopOf };
}

describe('ServiceLifecycle', () => {
  it('starts services in their order whatever order they are asked in', async () => {
    const { log, service, stopOf } = recorder();
    const lifecycle = new ServiceLifecycle({ startOrder: ['projector', 'orchestrator', 'gateway'] });
    await Promise.all([
      lifecycle.start('gateway', service('gateway'), stopOf('gateway')),
      lifecycle.start('orchestrator', service('orchestrator', 20), stopOf('orchestrator')),
      lifecycle.start('projector', service('projector', 40), stopOf('projector')),
    ]);
    expect(log).toEqual(['start projector', 'start orchestrator', 'start gateway']);
  });

  it('stops in the stop order, then the services it does not name, latest started first, then an owned platform', async () => {
    const { log, service, stopOf } = recorder();
    const lifecycle = new ServiceLifecycle({ startOrder: ['projector', 'orchestrator', 'admin-api', 'gateway'], stopOrder: ['admin-api', 'orchestrator'] });
    await lifecycle.openPlatform(async () => ({ close: async () => void log.push('close platform') }) as never, true);
    for (const name of ['projector', 'orchestrator', 'admin-api', 'gateway']) await lifecycle.start(name, service(name), stopOf(name));
    log.length = 0;
    await lifecycle.stopAll();
    expect(log).toEqual(['stop admin-api', 'stop orchestrator', 'stop gateway', 'stop projector', 'close platform']);
  });

  it('stops what its stop order puts first when one service is stopped, and each service once', async () => {
    const { log, service, stopOf } = recorder();
    const lifecycle = new ServiceLifecycle({ startOrder: ['projector', 'gateway', 'orchestrator'], stopOrder: ['orchestrator', 'gateway', 'projector'] });
    for (const name of ['projector', 'gateway', 'orchestrator']) await lifecycle.start(name, service(name), stopOf(name));
    log.length = 0;
    await lifecycle.stopService('projector');
    await lifecycle.stopService('gateway');
    await lifecycle.stopAll();
    expect(log).toEqual(['stop orchestrator', 'stop gateway', 'stop projector']);
  });

  it('leaves a platform it does not own open', async () => {
    const closed: string[] = [];
    const lifecycle = new ServiceLifecycle({ startOrder: [] });
    await lifecycle.openPlatform(async () => ({ close: async () => void closed.push('platform') }) as never, false);
    await lifecycle.stopAll();
    expect(closed).toEqual([]);
  });

  it('abandons the starts after a failed one and stops those before it', async () => {
    const { log, service, stopOf } = recorder();
    const lifecycle = new ServiceLifecycle({ startOrder: ['projector', 'gateway', 'orchestrator'] });
    const starts = [
      lifecycle.start('projector', service('projector'), stopOf('projector')),
      lifecycle.start('gateway', () => Promise.reject(new Error('port 4320 is in use')), stopOf('gateway')),
      lifecycle.start('orchestrator', service('orchestrator'), stopOf('orchestrator')),
    ];
    const outcomes = await Promise.allSettled(starts);
    await lifecycle.abandon();
    expect(outcomes.map((outcome) => outcome.status)).toEqual(['fulfilled', 'rejected', 'rejected']);
    expect((outcomes[2] as PromiseRejectedResult).reason).toBeInstanceOf(StartAbandonedError);
    expect(log).toEqual(['start projector', 'stop projector']);
  });

  it('wakes a start still waiting for a service that will never be started, once abandoned', async () => {
    const lifecycle = new ServiceLifecycle({ startOrder: ['projector', 'gateway'] });
    const waiting = lifecycle.start('gateway', async () => 'gateway', () => async () => undefined);
    await lifecycle.abandon();
    await expect(waiting).rejects.toBeInstanceOf(StartAbandonedError);
  });

  it('refuses a service that is not in the start order, naming the ones that are', async () => {
    const lifecycle = new ServiceLifecycle({ startOrder: ['gateway'] });
    await expect(lifecycle.start('projector', async () => 'projector', () => async () => undefined)).rejects.toThrow('projector is not among the services of this process (gateway)');
  });
});
