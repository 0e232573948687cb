import { randomUUID } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import Long from 'long';
import { collectorErrorsContract, subjects, type CollectorErrors } from '@roost/contracts';
import { AgentCapability, RemoteConfigStatuses } from '@roost/opamp';
import { createMemoryPlatform } from '@roost/platform-memory';
import type { Platform } from '@roost/ports';
import { encodeLogsRequest, type ExportLogsServiceRequestInit, type LogRecord } from '@roost/telemetry';
import { eventually } from '@roost/testing';
import { startGateway, type RunningGateway } from './start-gateway';
import { OWN_TELEMETRY_MAX_BYTES } from './own-telemetry-receiver';
import { HttpTestAgent, TEST_CAPABILITIES, testDescription } from './testing/opamp-test-agent';

const TOKEN = 'agents-token';
const OWN_TELEMETRY = TEST_CAPABILITIES.or(Long.fromNumber(AgentCapability.ReportsOwnMetrics | AgentCapability.ReportsOwnLogs, true));
const FULL_STATE = { agentDescription: testDescription('own-logs'), remoteConfigStatus: { lastRemoteConfigHash: new Uint8Array(0), status: RemoteConfigStatuses.RemoteConfigStatuses_UNSET } };

const record = (severityNumber: number, body: string, error?: string): LogRecord => ({
  timeUnixNano: Long.fromNumber(Date.now(), true).multiply(1_000_000),
  severityNumber,
  body: { stringValue: body },
  attributes: error === undefined ? [] : [{ key: 'error', value: { stringValue: error } }],
});
const exportOf = (...records: LogRecord[]): ExportLogsServiceRequestInit => ({ resourceLogs: [{ scopeLogs: [{ logRecords: records }] }] });
const BIND_ERROR = exportOf(record(9, 'Starting otelcol-roost...'), record(17, 'Failed to start the collector', 'listen tcp: address 99999: invalid port'));

interface Offered {
  readonly endpoint: string;
  readonly headers: Record<string, string>;
}

describe("gateway: agents' own logs (own_logs offer and POST /v1/logs, in-memory platform)", () => {
  let platform: Platform;
  let gateway: RunningGateway;
  const published: CollectorErrors[] = [];

  beforeAll(async () => {
    platform = createMemoryPlatform();
    platform.bus.subscribe(subjects.collectorErrorsAll, (message) => published.push(collectorErrorsContract.decode(message.data)));
    gateway = await startGateway({ port: 0, host: '127.0.0.1', gatewayId: 'gw-own-logs', bearerToken: TOKEN, ownMetrics: true }, platform);
  });

  afterAll(async () => {
    await gateway.stop();
    await platform.close();
  });

  const auth = { Authorization: `Bearer ${TOKEN}` };

  /** Full state, then two heartbeats: the offer rides on the reply that finds the desired config read, and once only. */
  async function connect(capabilities = OWN_TELEMETRY): Promise<{ agent: HttpTestAgent; offers: number; metrics: Offered | null; logs: Offered | null }> {
    const agent = new HttpTestAgent(gateway.httpUrl, randomUUID(), capabilities);
    let offers = 0;
    let metrics: Offered | null = null;
    let logs: Offered | null = null;
    const offered = (own: { destinationEndpoint?: string | null; headers?: { headers?: { key?: string | null; value?: string | null }[] | null } | null }): Offered => ({
      endpoint: own.destinationEndpoint ?? '',
      headers: Object.fromEntries((own.headers?.headers ?? []).map((h) => [h.key ?? '', h.value ?? ''])),
    });
    for (const init of [FULL_STATE, {}, {}]) {
      const reply = await agent.exchange(init, { headers: auth });
      expect(reply.status).toBe(200);
      const settings = reply.message?.connectionSettings;
      if (!settings) continue;
      offers += 1;
      if (settings.ownMetrics) metrics = offered(settings.ownMetrics);
      if (settings.ownLogs) logs = offered(settings.ownLogs);
    }
    return { agent, offers, metrics, logs };
  }

  function post(offered: Offered, body: Uint8Array, headers: Record<string, string> = {}): Promise<Response> {
    return fetch(offered.endpoint, { method: 'POST', headers: { ...offered.headers, 'Content-Type': 'application/x-protobuf', ...headers }, body });
  }

  it('offers own logs beside own metrics, once per connection: /v1/logs on this port, the same per-agent proof', async () => {
    const { agent, offers, metrics, logs } = await connect();
    expect(offers).toBe(1);
    expect(logs?.endpoint).toBe(`http://127.0.0.1:${gateway.port}/v1/logs`);
    expect(logs?.headers).toEqual(metrics?.headers);
    expect(logs?.headers['x-roost-agent']).toBe(agent.agentId);
    // an agent that reports own metrics only gets no own_logs
    const metricsOnly = await connect(TEST_CAPABILITIES.or(Long.fromNumber(AgentCapability.ReportsOwnMetrics, true)));
    expect(metricsOnly.metrics).not.toBeNull();
    expect(metricsOnly.logs).toBeNull();
  });

  it.each([
    ['protobuf', 'application/x-protobuf', false],
    ['JSON', 'application/json', false],
    ['gzipped protobuf', 'application/x-protobuf', true],
  ] as const)("takes a %s export and publishes the agent's error-level records", async (_kind, contentType, gzip) => {
    const { agent, logs } = await connect();
    const raw = encodeLogsRequest(BIND_ERROR, contentType === 'application/json' ? 'json' : 'protobuf');
    const response = await post(logs!, gzip ? gzipSync(raw) : raw, { 'Content-Type': contentType, ...(gzip ? { 'Content-Encoding': 'gzip' } : {}) });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe(contentType);
    const errors = await eventually(() => published.find((message) => message.agentId === agent.agentId), { what: 'the records on telemetry.logs.<uid>' });
    expect(errors.records).toEqual([{ time: expect.any(Number), severity: 'ERROR', text: 'Failed to start the collector: listen tcp: address 99999: invalid port' }]);
  });

  it('publishes nothing for an export without error-level records', async () => {
    const { agent, logs } = await connect();
    expect((await post(logs!, encodeLogsRequest(exportOf(record(9, 'Everything is ready.'), record(13, 'a warning')), 'protobuf'))).status).toBe(200);
    expect((await post(logs!, encodeLogsRequest(BIND_ERROR, 'protobuf'))).status).toBe(200);
    await eventually(() => published.find((message) => message.agentId === agent.agentId), { what: 'the second export' });
    expect(published.filter((message) => message.agentId === agent.agentId)).toHaveLength(1);
  });

  it('refuses what is not an OTLP logs export attributed by a proof Roost issued, or is too large, and goes on serving', async () => {
    const { logs } = await connect();
    const body = encodeLogsRequest(BIND_ERROR, 'protobuf');
    const cases: [string, Promise<Response>, number, RegExp][] = [
      ['no agent headers', fetch(logs!.endpoint, { method: 'POST', headers: { ...auth, 'Content-Type': 'application/x-protobuf' }, body }), 403, /x-roost-agent/],
      ['a made-up proof', post(logs!, body, { 'x-roost-agent-key': 'A'.repeat(43) }), 403, /does not match agent/],
      ['bytes that are no protobuf', post(logs!, Uint8Array.from([0x0a, 0xff, 0xff, 0xff])), 400, /not an OTLP logs export/],
      ['a text body', post(logs!, body, { 'Content-Type': 'text/plain' }), 415, /application\/x-protobuf or application\/json/],
      ['a body above the bound', post(logs!, new Uint8Array(OWN_TELEMETRY_MAX_BYTES + 1)), 413, /./],
      ['a GET', fetch(logs!.endpoint, { headers: logs!.headers }), 405, /POST/],
    ];
    for (const [what, pending, status, text] of cases) {
      const response = await pending;
      expect({ what, status: response.status, text: await response.text() }).toEqual({ what, status, text: expect.stringMatching(text) });
    }
    expect((await post(logs!, body)).status).toBe(200);
    const exported = await gateway.metrics.registry.getSingleMetricAsString('roost_gateway_own_logs_exports_total');
    expect(exported).toMatch(/outcome="not_attributed"[^}]*} 2/);
    expect(exported).toMatch(/outcome="too_large"[^}]*} 1/);
  });
});
