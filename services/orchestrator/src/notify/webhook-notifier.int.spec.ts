import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { silentLogger } from '@roost/ports';
import { WebhookNotifier } from './webhook-notifier';
import { webhookPayload } from './webhook-payload';

describe('webhook notifier against a real HTTP receiver', () => {
  let server: Server;
  let statuses: number[];
  const bodies: unknown[] = [];
  const url = (): string => `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  const payload = webhookPayload({ type: 'Notify', rolloutId: 'r-1', kind: 'rolled_back', message: 'rollout r-1 rolled back' }, 1, null);

  beforeAll(async () => {
    server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        bodies.push(JSON.parse(Buffer.concat(chunks).toString('utf8')));
        response.writeHead(statuses.shift() ?? 200).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  beforeEach(() => {
    bodies.length = 0;
  });

  it('retries server errors with backoff until the receiver accepts', async () => {
    statuses = [503, 500, 204];
    const notifier = new WebhookNotifier({ targets: [{ url: url() }], attempts: 5, backoffMs: 20, timeoutMs: 2_000, logger: silentLogger });
    notifier.notify(payload);
    await notifier.idle();
    expect(bodies).toHaveLength(3);
    expect(bodies[2]).toEqual({ text: 'Roost: rollout r-1 rolled back', kind: 'rolled_back', rolloutId: 'r-1', at: 1, rollout: null });
  });

  it('does not retry a refusal, and skips targets that did not ask for the kind', async () => {
    statuses = [401, 200];
    const notifier = new WebhookNotifier({ targets: [{ url: url() }, { url: url(), kinds: ['completed'] }], attempts: 5, backoffMs: 20, timeoutMs: 2_000, logger: silentLogger });
    notifier.notify(payload);
    await notifier.idle();
    expect(bodies).toHaveLength(1);
  });

  it('gives up after the configured attempts', async () => {
    statuses = [500, 500, 500, 200];
    const notifier = new WebhookNotifier({ targets: [{ url: url() }], attempts: 3, backoffMs: 10, timeoutMs: 2_000, logger: silentLogger });
    notifier.notify(payload);
    await notifier.idle();
    expect(bodies).toHaveLength(3);
  });
});
