import { orchestratorEnvironment } from './environment-options';

describe('orchestrator environment', () => {
  it('reads NATS, id, log level and webhook targets', () => {
    expect(
      orchestratorEnvironment({ NATS_URL: 'nats://n:4222', ORCHESTRATOR_ID: 'o-1', LOG_LEVEL: 'debug', ROOST_WEBHOOK_URLS: 'http://a/x, https://b/y', ROOST_WEBHOOK_KINDS: 'failed,rolled_back' }),
    ).toEqual({
      natsUrl: 'nats://n:4222',
      logLevel: 'debug',
      options: {
        instanceId: 'o-1',
        webhooks: [
          { url: 'http://a/x', kinds: ['failed', 'rolled_back'] },
          { url: 'https://b/y', kinds: ['failed', 'rolled_back'] },
        ],
      },
    });
  });

  it('defaults to the in-memory platform, info logs and no webhooks', () => {
    expect(orchestratorEnvironment({})).toEqual({ natsUrl: undefined, logLevel: 'info', options: { webhooks: [] } });
  });
});
