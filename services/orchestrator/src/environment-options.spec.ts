import { ALL_BUCKETS, ALL_STREAMS } from '@roost/contracts';
import { orchestratorEnvironment } from './environment-options';

describe('orchestrator environment', () => {
  it('reads NATS, id, log level and webhook targets', () => {
    expect(
      orchestratorEnvironment({ NATS_URL: 'nats://n:4222', ORCHESTRATOR_ID: 'o-1', ORCHESTRATOR_PORT: '0', LOG_LEVEL: 'debug', ROOST_WEBHOOK_URLS: 'http://a/x, https://b/y', ROOST_WEBHOOK_KINDS: 'failed,rolled_back' }),
    ).toEqual({
      natsUrl: 'nats://n:4222',
      topology: { streams: ALL_STREAMS, buckets: ALL_BUCKETS },
      metricsPort: 0,
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

  it('gives every webhook target the secret that signs deliveries', () => {
    expect(orchestratorEnvironment({ ROOST_WEBHOOK_URLS: 'http://a/x,http://b/y', ROOST_WEBHOOK_SECRET: 'whsec' }).options.webhooks).toEqual([
      { url: 'http://a/x', secret: 'whsec' },
      { url: 'http://b/y', secret: 'whsec' },
    ]);
  });

  it('refuses a webhook kind that does not exist, naming it and the kinds there are', () => {
    expect(() => orchestratorEnvironment({ ROOST_WEBHOOK_URLS: 'http://a/x', ROOST_WEBHOOK_KINDS: 'awaiting-approval,failed' })).toThrow(
      'ROOST_WEBHOOK_KINDS names unknown kinds "awaiting-approval"; the kinds are awaiting_approval, paused, completed, failed, rolled_back, aborted',
    );
  });

  it('defaults to the in-memory platform, info logs and no webhooks', () => {
    expect(orchestratorEnvironment({})).toEqual({ natsUrl: undefined, metricsPort: 4340, topology: { streams: ALL_STREAMS, buckets: ALL_BUCKETS }, logLevel: 'info', options: { webhooks: [] } });
  });

  it('gives every stream and bucket the replicas of NATS_REPLICAS', () => {
    const { topology } = orchestratorEnvironment({ NATS_URL: 'nats://n:4222', NATS_REPLICAS: '3' });
    expect([...topology.streams, ...topology.buckets].map((item) => item.replicas)).toEqual([...ALL_STREAMS, ...ALL_BUCKETS].map(() => 3));
  });

  it('refuses a metrics port that is not a port, naming the variable', () => {
    expect(() => orchestratorEnvironment({ ORCHESTRATOR_PORT: 'http' })).toThrow('ORCHESTRATOR_PORT must be a port number (0-65535), got "http"');
  });
});
