/**
 * A few thousand random, truncated, oversize and otherwise broken OpAMP messages over
 * WebSocket and HTTP from several connections at once, while a healthy agent goes about its
 * business alongside. The gateway must answer each the protocol's way and keep serving.
 */
import { randomUUID } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import WebSocket from 'ws';
import { RemoteConfigStatuses, encodeAgentToServer, encodeWsFrame, instanceUidToBytes } from '@roost/opamp';
import { startGateway, type RunningGateway } from '@roost/gateway';
import { createMemoryPlatform } from '@roost/platform-memory';
import { silentLogger, type LogFields, type Platform } from '@roost/ports';
import { eventually } from '@roost/testing';
import { HttpTestAgent, WsTestAgent, fleetEvents, nudge, offeredConfigHash, postOpamp, setDesired, storeConfig, testDescription } from '@roost/gateway/testing';

const MAX_MESSAGE_BYTES = 16 * 1024;
const WS_CONNECTIONS = 4;
const FRAMES_PER_CONNECTION = 600;
const HTTP_WORKERS = 4;
const REQUESTS_PER_WORKER = 150;
const SEED = Number(process.env['STORM_SEED'] ?? 20261127);

/** mulberry32: a small seeded PRNG, so a failing storm can be replayed with STORM_SEED. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function validMessage(random: () => number): Uint8Array {
  return encodeAgentToServer({
    instanceUid: instanceUidToBytes(randomUUID()),
    agentDescription: testDescription(`storm-${Math.floor(random() * 1e6)}`),
    remoteConfigStatus: { lastRemoteConfigHash: new Uint8Array(32), status: RemoteConfigStatuses.RemoteConfigStatuses_FAILED },
  });
}

function randomBytes(random: () => number, max: number): Uint8Array {
  const bytes = new Uint8Array(Math.floor(random() * max));
  for (let i = 0; i < bytes.length; i++) bytes[i] = Math.floor(random() * 256);
  return bytes;
}

/** One broken (or occasionally accidentally valid) WebSocket payload. */
function badFrame(random: () => number): Uint8Array | string {
  const valid = encodeWsFrame(validMessage(random));
  switch (Math.floor(random() * 8)) {
    case 0:
      return randomBytes(random, 300);
    case 1:
      return valid.subarray(0, 1 + Math.floor(random() * (valid.length - 1)));
    case 2:
      return Uint8Array.of(0x80 | Math.floor(random() * 0x7f), 0x80, 0x80, ...valid.subarray(1));
    case 3:
      return 'not a binary frame';
    case 4:
      return encodeWsFrame(encodeAgentToServer({ instanceUid: randomBytes(random, 40), sequenceNum: undefined }));
    case 5:
      return Uint8Array.of(0x00, ...randomBytes(random, 200));
    case 6:
      return random() < 0.05 ? new Uint8Array(MAX_MESSAGE_BYTES + 100) : Uint8Array.of(0x00, 0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f);
    default:
      return Uint8Array.of(0x00, 0x0a, 0x10, ...randomBytes(random, 10));
  }
}

/** One broken HTTP request: body and headers. */
function badRequest(random: () => number): { body: Uint8Array; gzip?: boolean; headers?: Record<string, string> } {
  const valid = validMessage(random);
  switch (Math.floor(random() * 7)) {
    case 0:
      return { body: randomBytes(random, 300) };
    case 1:
      return { body: valid.subarray(0, Math.floor(random() * valid.length)) };
    case 2:
      return { body: valid, headers: { 'Content-Type': 'application/json' } };
    case 3:
      return { body: randomBytes(random, 100), headers: { 'Content-Encoding': 'gzip' } };
    case 4:
      return { body: new Uint8Array(4 * MAX_MESSAGE_BYTES), gzip: true };
    case 5:
      return { body: encodeAgentToServer({ instanceUid: randomBytes(random, 12) }) };
    default:
      return { body: gzipSync(valid).subarray(0, 10), headers: { 'Content-Encoding': 'gzip' } };
  }
}

/** Opens a raw socket and fires `count` bad frames, reconnecting whenever the gateway closes it. */
async function stormOverWebSocket(url: string, random: () => number, count: number): Promise<{ closes1009: number; sent: number }> {
  let sent = 0;
  let closes1009 = 0;
  while (sent < count) {
    const socket = new WebSocket(url);
    socket.on('error', () => undefined);
    await new Promise<void>((resolve, reject) => {
      socket.once('open', resolve);
      socket.once('error', reject);
    });
    const closed = new Promise<number>((resolve) => socket.once('close', (code) => resolve(code)));
    let open = true;
    void closed.then(() => (open = false));
    while (open && sent < count) {
      socket.send(badFrame(random));
      sent++;
      if (sent % 25 === 0) await new Promise((resolve) => setImmediate(resolve));
    }
    if (open) socket.close(1000);
    if ((await closed) === 1009) closes1009++;
  }
  return { closes1009, sent };
}

async function stormOverHttp(url: string, random: () => number, count: number): Promise<Map<number, number>> {
  const statuses = new Map<number, number>();
  for (let i = 0; i < count; i++) {
    const request = badRequest(random);
    const reply = await postOpamp(url, request.body, { ...(request.gzip ? { gzip: true } : {}), ...(request.headers ? { headers: request.headers } : {}) }).catch(() => ({
      status: -1,
    }));
    statuses.set(reply.status, (statuses.get(reply.status) ?? 0) + 1);
  }
  return statuses;
}

describe('bad-input storm', () => {
  let platform: Platform;
  let gateway: RunningGateway;
  /** Anything the gateway logs at error level is a defect: broken input is a warning at most. */
  const errors: unknown[] = [];
  const logger = { ...silentLogger, error: (fields: LogFields, message: string) => void errors.push({ message, ...fields }) };

  beforeAll(async () => {
    platform = createMemoryPlatform();
    gateway = await startGateway({ port: 0, host: '127.0.0.1', gatewayId: 'gw-storm', maxMessageBytes: MAX_MESSAGE_BYTES, logger }, platform);
  });

  afterAll(async () => {
    await gateway.stop();
    await platform.close();
  });

  it('survives thousands of broken messages while a healthy agent alongside completes its exchange and gets its config', async () => {
    const healthy = await WsTestAgent.connect(gateway.url, randomUUID());
    const fullState = { agentDescription: testDescription('healthy'), remoteConfigStatus: { lastRemoteConfigHash: new Uint8Array(0), status: 0 } };
    expect((await healthy.exchange(fullState)).errorResponse).toBeNull();
    const config = await storeConfig(platform, 'receivers:\n  otlp: {}\n');

    const streams = Array.from({ length: WS_CONNECTIONS }, (_, i) => prng(SEED + 1 + i));
    const storm = Promise.all([
      ...streams.map((stream) => stormOverWebSocket(gateway.url, stream, FRAMES_PER_CONNECTION)),
      ...Array.from({ length: HTTP_WORKERS }, (_, i) => stormOverHttp(gateway.httpUrl, prng(SEED + 100 + i), REQUESTS_PER_WORKER)),
    ]);

    // mid-storm: the healthy agent keeps talking and gets its config pushed
    for (let i = 0; i < 5; i++) expect((await healthy.exchange({}, 10_000)).errorResponse).toBeNull();
    await setDesired(platform, [healthy.agentId], config);
    nudge(platform, gateway.gatewayId, [healthy.agentId]);
    const pushed = await healthy.next((m) => offeredConfigHash(m) !== null, 10_000);
    expect(offeredConfigHash(pushed)).toBe(config);
    await healthy.exchange({ remoteConfigStatus: { lastRemoteConfigHash: Buffer.from(config, 'hex'), status: RemoteConfigStatuses.RemoteConfigStatuses_APPLIED } }, 10_000);

    const results = await storm;
    const wsResults = results.slice(0, WS_CONNECTIONS) as { closes1009: number; sent: number }[];
    const httpStatuses = results.slice(WS_CONNECTIONS) as Map<number, number>[];
    const framesSent = wsResults.reduce((sum, r) => sum + r.sent, 0);
    const statusTotals = new Map<number, number>();
    for (const map of httpStatuses) for (const [status, n] of map) statusTotals.set(status, (statusTotals.get(status) ?? 0) + n);
    expect(framesSent).toBe(WS_CONNECTIONS * FRAMES_PER_CONNECTION);
    expect(wsResults.reduce((sum, r) => sum + r.closes1009, 0)).toBeGreaterThan(0);
    // every HTTP request got an HTTP answer: 400, 413, 415, or 200 (with BadRequest for a bad uid)
    expect([...statusTotals.keys()].sort()).toEqual([200, 400, 413, 415]);
    expect([...statusTotals.values()].reduce((a, b) => a + b, 0)).toBe(HTTP_WORKERS * REQUESTS_PER_WORKER);

    // afterwards: still alive, still serving the healthy agent and newcomers
    expect((await healthy.exchange({}, 10_000)).errorResponse).toBeNull();
    const newcomer = new HttpTestAgent(gateway.httpUrl, randomUUID());
    expect((await newcomer.exchange({ agentDescription: testDescription('newcomer') })).status).toBe(200);
    expect((await fetch(gateway.httpUrl.replace('/v1/opamp', '/healthz'))).status).toBe(200);
    const decodeErrors = await gateway.metrics.registry.getSingleMetric('roost_gateway_decode_errors_total')!.get();
    const refused = decodeErrors.values.reduce((sum, v) => sum + v.value, 0);
    expect(refused).toBeGreaterThan(1_000);
    const applied = await eventually(async () =>
      (await fleetEvents(platform, healthy.agentId)).find((e) => e.snapshot.remoteConfigStatus?.status === 'APPLIED' && e.snapshot.remoteConfigStatus.hash === config),
    );
    expect(applied.snapshot.connected).toBe(true);
    expect(errors).toEqual([]);
    await healthy.close();
    process.stdout.write(
      `storm seed ${SEED}: ${framesSent} WebSocket frames, ${HTTP_WORKERS * REQUESTS_PER_WORKER} HTTP requests ${JSON.stringify(Object.fromEntries(statusTotals))}, ${refused} refused as malformed\n`,
    );
  });
});
