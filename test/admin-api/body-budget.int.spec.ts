/**
 * Many clients that each start a near-limit request body and stop sending, against a Roost
 * process (every service, in memory) whose admin API holds at most 16 MiB of bodies being
 * received. Its peak RSS stays within that budget (plus slack) of where it stood, the bodies
 * past the budget get 503 with Retry-After at once, the refusals are counted, and an ordinary
 * request is answered throughout.
 */
import { request, type ClientRequest } from 'node:http';
import { readFileSync } from 'node:fs';
import { eventually } from '@roost/testing';
import { collectorYaml } from '../support/collector-config';
import { ServiceProcess } from '../orchestrator/service-process';

const MiB = 1024 * 1024;
const BUDGET = 16 * MiB;
/** Each hog declares a body just under the 4 MiB limit and sends all of it but the last KiB. */
const BODY_BYTES = 4 * MiB - 64;
const HOGS = 40;
const CHUNK = Buffer.alloc(64 * 1024, 0x20);

function memoryOf(pid: number): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN) * 1024;
  return { rss: kb('VmRSS'), peak: kb('VmHWM') };
}

interface Hog {
  readonly request: ClientRequest;
  /** The status it was answered with; null while none. */
  status: number | null;
  retryAfter: string | null;
}

/** Starts a large JSON body and sends it until answered or all but the last KiB is out; then holds. */
async function hog(base: string): Promise<Hog> {
  const url = new URL('/api/v1/configs', base);
  const req = request({ hostname: url.hostname, port: url.port, path: url.pathname, method: 'POST', headers: { 'Content-Type': 'application/json', 'Content-Length': String(BODY_BYTES) } });
  const held: Hog = { request: req, status: null, retryAfter: null };
  req.on('response', (response) => {
    held.status = response.statusCode ?? 0;
    held.retryAfter = (response.headers['retry-after'] as string | undefined) ?? null;
    response.resume();
  });
  req.on('error', () => (held.status ??= -1));
  const opening = '{"name":"hog","yaml":"';
  req.write(opening);
  for (let sent = opening.length; sent < BODY_BYTES - 1024 && held.status === null; sent += CHUNK.length) {
    const chunk = CHUNK.subarray(0, Math.min(CHUNK.length, BODY_BYTES - 1024 - sent));
    if (!req.write(chunk)) await new Promise((resolve) => setTimeout(resolve, 5));
  }
  return held;
}

async function metric(base: string, name: string): Promise<number> {
  const text = await (await fetch(`${base}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(name));
  return line === undefined ? 0 : Number(line.split(' ').pop());
}

describe('the admin API under many slow large request bodies', () => {
  let roost: ServiceProcess;
  let base: string;
  const hogs: Hog[] = [];

  beforeAll(async () => {
    roost = ServiceProcess.start('services/all-in-one/src/main.ts', {}, [
      '--admin-port', '0', '--grpc-port', 'off', '--gateway-port', '0', '--projector-port', '0', '--orchestrator-port', '0',
      '--admin-body-budget-bytes', String(BUDGET), '--log-format', 'json',
    ]);
    const ready = await roost.waitForLine((line) => line.msg === 'roost ready', 90_000);
    base = String((ready['endpoints'] as { what: string; url: string }[]).find((e) => e.what === 'admin API (HTTP)')?.url);
  }, 120_000);

  afterAll(async () => {
    for (const held of hogs) held.request.destroy();
    await roost?.kill();
  });

  it('holds at most its budget of bodies, refuses the rest with 503 and Retry-After, and answers an ordinary request meanwhile', async () => {
    const before = memoryOf(roost.pid);
    hogs.push(...(await Promise.all(Array.from({ length: HOGS }, () => hog(base)))));
    // Large bodies may hold seven eighths of the budget: three of these fit, the rest are refused as they pass it.
    const fit = Math.floor((BUDGET - BUDGET / 8) / (BODY_BYTES - 1024));
    await eventually(() => hogs.filter((h) => h.status === null).length <= fit, { timeoutMs: 20_000, what: `at most ${fit} bodies still held` });
    const refused = hogs.filter((h) => h.status === 503);
    // The answer goes out before the connection closes, but a client still writing its body when
    // the close arrives may see the reset before it reads the 503 (-1 here; seen under load).
    const reset = hogs.filter((h) => h.status === -1);
    const statuses: Record<string, number> = {};
    for (const h of hogs) statuses[String(h.status)] = (statuses[String(h.status)] ?? 0) + 1;
    expect({ refusedOrReset: refused.length + reset.length, statuses }).toEqual({ refusedOrReset: HOGS - fit, statuses });
    expect(refused.length).toBeGreaterThan(reset.length);
    expect(refused.every((h) => h.retryAfter === '5')).toBe(true);
    expect(hogs.filter((h) => h.status === null).length).toBeGreaterThan(0);
    expect(hogs.map((h) => h.status).filter((status) => status !== null && status !== 503 && status !== -1)).toEqual([]);
    expect(await metric(base, 'roost_admin_request_body_bytes_held')).toBeLessThanOrEqual(BUDGET);
    expect(await metric(base, 'roost_admin_refused_total{reason="body_budget"}')).toBe(HOGS - fit);

    // An ordinary write and a read are answered while the budget is full.
    const stored = await fetch(`${base}/api/v1/configs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'ordinary', yaml: collectorYaml('basic') }) });
    expect(stored.status).toBe(201);
    expect((await fetch(`${base}/api/v1/caller`)).status).toBe(200);
    const refusal = await (await fetch(`${base}/api/v1/configs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'large', yaml: 'x'.repeat(2.5 * MiB) }) })).json();
    expect(refusal).toMatchObject({ error: { code: 'request.over_budget', details: { budgetBytes: BUDGET, retryAfterSeconds: 5 } } });

    const after = memoryOf(roost.pid);
    console.log(`admin API process RSS before ${(before.rss / MiB).toFixed(0)} MiB, peak ${(after.peak / MiB).toFixed(0)} MiB with ${HOGS} bodies of 4 MiB started, budget ${BUDGET / MiB} MiB`);
    expect(after.peak).toBeLessThanOrEqual(Math.max(before.peak, before.rss + BUDGET + 64 * MiB));

    for (const held of hogs) held.request.destroy();
    await eventually(async () => (await metric(base, 'roost_admin_request_body_bytes_held')) === 0, { what: 'every body let go' });
    expect(roost.lines.filter((line) => line.msg?.startsWith('refusing request bodies')).length).toBe(1);
  }, 120_000);
});
