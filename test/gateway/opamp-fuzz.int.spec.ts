/**
 * Fuzzing as a test: 100,000 generated OpAMP inputs (FUZZ_INPUTS) over WebSocket and plain HTTP
 * against a gateway process on NATS — valid heartbeats and status reports, bad instance_uids, non-zero
 * headers, unreadable protobuf, cut and corrupted messages, text frames, oversize frames and
 * bodies, gzip bombs, wrong content types, encodings and methods — while a healthy agent
 * exchanges heartbeats alongside. Each input must get its class's answer (a reply, BadRequest,
 * a 4xx status, a 1009 close, or nothing but the decode-error counter), the gateway must not
 * crash nor log an error, its peak RSS must stay within its memory budget (+ 64 MiB) of where
 * it stood, and the healthy agent must be answered throughout. Seeded: the seed is printed,
 * FUZZ_SEED=<seed> replays the same inputs.
 */
import { randomInt } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fuzzHttp, fuzzWebSocket, healthyRoundTrips, httpFuzzInput, quantile, sampleInputs, wsFuzzInput } from '@roost/gateway/testing';
import { eventually, startNatsServer, type TestServer } from '@roost/testing';
import { ServiceProcess } from '../orchestrator/service-process';

const MiB = 1024 * 1024;
const BUDGET = 32 * MiB;
const MAX_MESSAGE_BYTES = 64 * 1024;
const INPUTS = Number(process.env['FUZZ_INPUTS'] ?? 100_000);
const SEED = Number(process.env['FUZZ_SEED'] ?? randomInt(2 ** 31));
/** Most inputs go over WebSocket, whose frames pipeline; HTTP requests wait for their answers. */
const HTTP_SHARE = 0.12;
const WS_CONNECTIONS = 6;
const HTTP_WORKERS = 3;

jest.setTimeout(240_000);

/** VmRSS and VmHWM (peak) of a process, in bytes. */
function memoryOf(pid: number): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN) * 1024;
  return { rss: kb('VmRSS'), peak: kb('VmHWM') };
}

/** `transport/reason` → roost_gateway_decode_errors_total, and the bytes held in the whole budget. */
async function gatewayCounters(base: string): Promise<{ decodeErrors: Record<string, number>; bytesHeld: number }> {
  const text = await (await fetch(`${base}/metrics`)).text();
  const decodeErrors: Record<string, number> = {};
  let bytesHeld = 0;
  for (const line of text.split('\n')) {
    if (line.startsWith('roost_gateway_decode_errors_total{')) {
      const transport = /transport="([^"]+)"/.exec(line)?.[1];
      const reason = /reason="([^"]+)"/.exec(line)?.[1];
      decodeErrors[`${transport}/${reason}`] = Number(line.split(' ').pop());
    }
    if (line.startsWith('roost_gateway_message_bytes_held{') && line.includes('pool="all"')) bytesHeld = Number(line.split(' ').pop());
  }
  return { decodeErrors, bytesHeld };
}

describe('the gateway under 100k generated OpAMP inputs', () => {
  let nats: TestServer;
  let gateway: ServiceProcess;
  let url: string;
  let httpUrl: string;
  let base: string;

  beforeAll(async () => {
    const args = ['--port', '0', '--host', '127.0.0.1', '--memory-budget-bytes', String(BUDGET), '--max-message-bytes', String(MAX_MESSAGE_BYTES)];
    // On NATS, as in production: fleet events leave the process rather than pile up in memory.
    nats = await startNatsServer();
    gateway = ServiceProcess.start('services/gateway/src/main.ts', { NATS_URL: nats.url }, args);
    const ready = await gateway.waitForLine((line) => line.msg === 'gateway ready', 60_000);
    url = String(ready['url']);
    httpUrl = String(ready['httpUrl']);
    base = httpUrl.replace('/v1/opamp', '');
  }, 90_000);

  afterAll(async () => {
    await gateway?.kill();
    await nats?.stop();
  });

  it('answers every input as its class requires, within its memory budget, and keeps answering a healthy agent', async () => {
    process.stdout.write(`opamp fuzz: seed ${SEED} (FUZZ_SEED=${SEED} replays), ${INPUTS} inputs\n`);
    const httpCount = Math.round(INPUTS * HTTP_SHARE);
    const wsInputs = sampleInputs(wsFuzzInput(MAX_MESSAGE_BYTES, true), INPUTS - httpCount, SEED);
    const httpInputs = sampleInputs(httpFuzzInput(MAX_MESSAGE_BYTES), httpCount, SEED + 1);
    const counted = (await gatewayCounters(base)).decodeErrors;
    const before = memoryOf(gateway.pid);

    let fuzzing = true;
    let mostHeld = 0;
    const sampler = setInterval(() => void gatewayCounters(base).then(({ bytesHeld }) => (mostHeld = Math.max(mostHeld, bytesHeld)), () => undefined), 250);
    const healthy = healthyRoundTrips(url, () => !fuzzing, 20);
    const started = Date.now();
    const [ws, http] = await Promise.all([fuzzWebSocket(url, wsInputs, WS_CONNECTIONS), fuzzHttp(httpUrl, httpInputs, HTTP_WORKERS)]).finally(() => {
      fuzzing = false;
      clearInterval(sampler);
    });
    const tookMs = Date.now() - started;
    const roundTrips = await healthy;

    expect([...ws.mismatches, ...http.mismatches]).toEqual([]);
    expect(ws.sent + http.sent).toBe(INPUTS);
    // What got no answer was counted, reason by reason, and nothing else was.
    const expected = { ...ws.decodeErrors, ...http.decodeErrors };
    const countedSince = async () => {
      const now = (await gatewayCounters(base)).decodeErrors;
      return Object.fromEntries(Object.entries(now).map(([key, n]) => [key, n - (counted[key] ?? 0)]).filter(([, n]) => n !== 0));
    };
    const same = (a: Record<string, number>) => Object.keys({ ...a, ...expected }).every((key) => a[key] === expected[key]);
    // Dropped frames are counted as they are handled, which may trail the last answer.
    await eventually(async () => same(await countedSince()) || undefined, { timeoutMs: 10_000 }).catch(() => undefined);
    const counts = await countedSince();
    expect(counts).toEqual(expected);

    const after = memoryOf(gateway.pid);
    expect(after.peak).toBeLessThanOrEqual(Math.max(before.peak, before.rss + BUDGET + 64 * MiB));
    expect(mostHeld).toBeLessThanOrEqual(BUDGET);
    expect(gateway.alive).toBe(true);
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    expect(gateway.lines.filter((line) => Number(line['level'] ?? 0) >= 50)).toEqual([]);
    // The healthy agent was answered every time (an exchange left unanswered for 10 s fails it).
    expect(roundTrips.length).toBeGreaterThanOrEqual(20);

    const classes = (byKind: Record<string, number>) => Object.entries(byKind).map(([kind, n]) => `${kind} ${n}`).join(', ');
    process.stdout.write(
      [
        `opamp fuzz: seed ${SEED}: ${INPUTS} inputs in ${(tookMs / 1000).toFixed(1)} s`,
        `  WebSocket ${ws.sent} on ${WS_CONNECTIONS} sockets: ${classes(ws.byKind)}`,
        `  HTTP ${http.sent} from ${HTTP_WORKERS} agents: ${classes(http.byKind)}`,
        `  decode errors counted: ${JSON.stringify(counts)}`,
        `  gateway RSS ${(before.rss / MiB).toFixed(0)} MiB before, peak ${(after.peak / MiB).toFixed(0)} MiB (budget ${BUDGET / MiB} MiB); most bytes held ${(mostHeld / MiB).toFixed(1)} MiB`,
        `  healthy agent: ${roundTrips.length} round trips, p50 ${quantile(roundTrips, 0.5).toFixed(1)} ms, p99 ${quantile(roundTrips, 0.99).toFixed(1)} ms (figures only; bench/fuzz measures them)`,
        '',
      ].join('\n'),
    );
  });
});
