import { randomUUID } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import Long from 'long';
import { subjects, telemetrySampleContract, type TelemetrySample } from '@roost/contracts';
import { AgentCapability, RemoteConfigStatuses } from '@roost/opamp';
import { createMemoryPlatform } from '@roost/platform-memory';
import type { Platform } from '@roost/ports';
import { encodeMetricsRequest, type ExportMetricsServiceRequestInit } from '@roost/telemetry';
import { eventually } from '@roost/testing';
import { startGateway, type RunningGateway } from './start-gateway';
import { setDesired, storeConfig } from './testing/fleet-fixture';
import { HttpTestAgent, TEST_CAPABILITIES, testDescription } from './testing/opamp-test-agent';

const TOKEN = 'agents-token';
const OWN_METRICS = TEST_CAPABILITIES.or(Long.fromNumber(AgentCapability.ReportsOwnMetrics, true));
const EXPORT: ExportMetricsServiceRequestInit = {
  resourceMetrics: [
    {
      scopeMetrics: [
        {
          metrics: [
            { name: 'otelcol_exporter_sent_spans', sum: { aggregationTemporality: 2, dataPoints: [{ asInt: Long.fromNumber(90), startTimeUnixNano: Long.fromNumber(1e18, true) }] } },
            { name: 'otelcol_exporter_send_failed_spans', sum: { aggregationTemporality: 2, dataPoints: [{ asInt: Long.fromNumber(10), startTimeUnixNano: Long.fromNumber(1e18, true) }] } },
          ],
        },
      ],
    },
  ],
};

const FULL_STATE = { agentDescription: testDescription('own-metrics'), remoteConfigStatus: { lastRemoteConfigHash: new Uint8Array(0), status: RemoteConfigStatuses.RemoteConfigStatuses_UNSET } };

interface Offered {
  readonly endpoint: string;
  readonly headers: Record<string, string>;
}

describe("gateway: agents' own metrics (offer and OTLP/HTTP receiver, in-memory platform)", () => {
  let platform: Platform;
  let gateway: RunningGateway;
  const published: TelemetrySample[] = [];

  beforeAll(async () => {
    platform = createMemoryPlatform();
    platform.bus.subscribe(subjects.telemetryAll, (message) => published.push(telemetrySampleContract.decode(message.data)));
    gateway = await startGateway({ port: 0, host: '127.0.0.1', gatewayId: 'gw-own-metrics', bearerToken: TOKEN, ownMetrics: true }, platform);
  });

  afterAll(async () => {
    await gateway.stop();
    await platform.close();
  });

  const auth = { Authorization: `Bearer ${TOKEN}` };

  async function connect(capabilities = OWN_METRICS): Promise<{ agent: HttpTestAgent; offered: Offered | null }> {
    const agent = new HttpTestAgent(gateway.httpUrl, randomUUID(), capabilities);
    // Full state, then a heartbeat: the offer rides on whichever reply finds the agent's desired config read.
    let own = null;
    for (const init of [FULL_STATE, {}]) {
      const reply = await agent.exchange(init, { headers: auth });
      expect(reply.status).toBe(200);
      own ??= reply.message?.connectionSettings?.ownMetrics ?? null;
    }
    if (own === null) return { agent, offered: null };
    return { agent, offered: { endpoint: own.destinationEndpoint ?? '', headers: Object.fromEntries((own.headers?.headers ?? []).map((h) => [h.key ?? '', h.value ?? ''])) } };
  }

  function post(offered: Offered, body: Uint8Array, headers: Record<string, string> = {}): Promise<Response> {
    return fetch(offered.endpoint, { method: 'POST', headers: { ...offered.headers, 'Content-Type': 'application/x-protobuf', ...headers }, body });
  }

  it('offers own metrics to an agent that reports them: this port and a per-agent proof, never the shared agent token', async () => {
    const { agent, offered } = await connect();
    expect(offered?.endpoint).toBe(`http://127.0.0.1:${gateway.port}/v1/metrics`);
    expect(offered?.headers).toEqual({ 'x-roost-agent': agent.agentId, 'x-roost-agent-key': expect.stringMatching(/^[-_A-Za-z0-9]{43}$/) });
  });

  it('offers nothing to an agent that does not report own metrics, nor while a config is on its way', async () => {
    expect((await connect(TEST_CAPABILITIES)).offered).toBeNull();
    const agent = new HttpTestAgent(gateway.httpUrl, randomUUID(), OWN_METRICS);
    await setDesired(platform, [agent.agentId], await storeConfig(platform, 'exporters: {}\n# own metrics wait\n'));
    const first = await agent.exchange(FULL_STATE, { headers: auth });
    const second = await agent.exchange({}, { headers: auth });
    expect(first.message?.remoteConfig ?? second.message?.remoteConfig).toBeTruthy();
    expect(first.message?.connectionSettings?.ownMetrics ?? second.message?.connectionSettings?.ownMetrics).toBeFalsy();
  });

  it.each([
    ['protobuf', 'application/x-protobuf', false],
    ['JSON', 'application/json', false],
    ['gzipped protobuf', 'application/x-protobuf', true],
  ] as const)('takes a %s export with the offered headers and publishes its summary for the agent', async (_kind, contentType, gzip) => {
    const { agent, offered } = await connect();
    const raw = encodeMetricsRequest(EXPORT, contentType === 'application/json' ? 'json' : 'protobuf');
    const response = await post(offered!, gzip ? gzipSync(raw) : raw, { 'Content-Type': contentType, ...(gzip ? { 'Content-Encoding': 'gzip' } : {}) });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe(contentType);
    const sample = await eventually(() => published.find((s) => s.agentId === agent.agentId), { what: 'the sample on telemetry.agent.<uid>' });
    expect(sample).toMatchObject({ exporterSent: 90, exporterFailed: 10, temporality: 'cumulative' });
  });

  it('refuses what is not an OTLP metrics export attributed by a proof Roost issued, and goes on serving', async () => {
    const { offered } = await connect();
    const other = (await connect()).offered!;
    const body = encodeMetricsRequest(EXPORT, 'protobuf');
    const cases: [string, Promise<Response>, number, RegExp][] = [
      ['no agent headers, the shared agent token alone', fetch(offered!.endpoint, { method: 'POST', headers: { ...auth, 'Content-Type': 'application/x-protobuf' }, body }), 403, /x-roost-agent/],
      ['a made-up proof', post(offered!, body, { 'x-roost-agent-key': 'A'.repeat(43) }), 403, /does not match agent/],
      ["another agent's proof", post(offered!, body, { 'x-roost-agent-key': other.headers['x-roost-agent-key']! }), 403, /does not match agent/],
      ['a text body', post(offered!, body, { 'Content-Type': 'text/plain' }), 415, /application\/x-protobuf or application\/json/],
      ['bytes that are no protobuf', post(offered!, Uint8Array.from([0x0a, 0xff, 0xff, 0xff])), 400, /not an OTLP metrics export/],
      ['JSON that is cut off', post(offered!, new TextEncoder().encode('{"resourceMetrics": ['), { 'Content-Type': 'application/json' }), 400, /not an OTLP metrics export \(json\)/],
      ['a body that is no gzip', post(offered!, body, { 'Content-Encoding': 'gzip' }), 400, /not valid gzip/],
      ['a GET', fetch(offered!.endpoint, { headers: offered!.headers }), 405, /POST/],
    ];
    for (const [what, pending, status, text] of cases) {
      const response = await pending;
      expect({ what, status: response.status, text: await response.text() }).toEqual({ what, status, text: expect.stringMatching(text) });
    }
    expect((await post(offered!, body)).status).toBe(200);
  });
});
