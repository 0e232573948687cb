import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { silentLogger } from '@roost/ports';
import { WebhookNotifier } from './webhook-notifier';
import { webhookPayload } from './webhook-payload';

describe('webhook notifier against a real HTTP receiver', () => {
  let server: Server;
  let statuses: number[];
  const bodies: unknown[] = [];
  const received: { headers: IncomingHttpHeaders; raw: string }[] = [];
  const url = (): string => `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  const payload = webhookPayload({ type: 'Notify', rolloutId: 'r-1', kind: 'rolled_back', message: 'rollout r-1 rolled back' }, 1, null);

  beforeAll(async () => {
    server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        received.push({ headers: request.headers, raw });
        bodies.push(JSON.parse(raw));
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
    received.length = 0;
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

  it('signs each delivery so that a receiver with the secret can verify it, and one with another secret cannot', async () => {
    statuses = [503, 200];
    const notifier = new WebhookNotifier({ targets: [{ url: url(), secret: 'whsec-test' }], attempts: 3, backoffMs: 1_300, timeoutMs: 2_000, logger: silentLogger });
    notifier.notify(payload);
    await notifier.idle();
    expect(received).toHaveLength(2);
    const nowSeconds = Date.now() / 1000;
    for (const { headers, raw } of received) {
      expect(verifyRoostWebhook('whsec-test', headers, raw, nowSeconds)).toBe(true);
      expect(verifyRoostWebhook('another-secret', headers, raw, nowSeconds)).toBe(false);
      expect(verifyRoostWebhook('whsec-test', headers, raw.replace('rolled back', 'completed'), nowSeconds)).toBe(false);
      expect(verifyRoostWebhook('whsec-test', headers, raw, nowSeconds + 600)).toBe(false);
    }
    // Each attempt is signed with its own time (the retry waits at least 1.04 s).
    expect(received[1]?.headers['roost-timestamp']).not.toBe(received[0]?.headers['roost-timestamp']);
  });

  it('sends no signature headers to a target without a secret', async () => {
    statuses = [200];
    const notifier = new WebhookNotifier({ targets: [{ url: url() }], attempts: 1, backoffMs: 10, timeoutMs: 2_000, logger: silentLogger });
    notifier.notify(payload);
    await notifier.idle();
    expect(received[0]?.headers).not.toHaveProperty('roost-signature');
  });
});

/** The receiver's check, as docs/security.md gives it: a fresh timestamp and a matching HMAC of "<timestamp>.<raw body>". */
function verifyRoostWebhook(secret: string, headers: IncomingHttpHeaders, rawBody: string, nowSeconds: number): boolean {
  const timestamp = String(headers['roost-timestamp'] ?? '');
  const signature = String(headers['roost-signature'] ?? '');
  if (!/^\d+$/.test(timestamp) || Math.abs(nowSeconds - Number(timestamp)) > 300) return false;
  const expected = `v1=${createHmac('sha256', secret).update(`${timestamp}.${rawBody}`).digest('hex')}`;
  return signature.length === expected.length && timingSafeEqual(Buffer.from(signature), Buffer.from(expected));
}
