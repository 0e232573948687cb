/**
 * Interop with a real OpAMP client written by others: @elastic/opamp-client-node (plain HTTP
 * only) against the gateway on the in-memory platform. The client goes quiet for at least
 * 30 s after any error response or non-200 reply, so this suite provokes none, and it fails
 * if the client ever reports a failed send.
 */
import { randomUUID } from 'node:crypto';
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import {
  AgentCapabilities,
  DIAG_CH_SEND_FAIL,
  DIAG_CH_SEND_SUCCESS,
  RemoteConfigStatuses,
  createOpAMPClient,
} from '@elastic/opamp-client-node';
import { startGateway, type RunningGateway } from '@roost/gateway';
import { createMemoryPlatform } from '@roost/platform-memory';
import type { Platform } from '@roost/ports';
import { eventually } from '@roost/testing';
import { fleetEvents, nudge, setDesired, storeConfig } from '@roost/gateway/testing';

type OpAMPClient = ReturnType<typeof createOpAMPClient>;
interface Exchange {
  a2s: { sequenceNum: bigint; agentDescription?: unknown };
  s2a: { instanceUid: Uint8Array; flags: bigint; remoteConfig?: { configHash: Uint8Array } };
}

const REPORT_FULL_STATE = 1n;

describe('interop: @elastic/opamp-client-node over plain HTTP', () => {
  let platform: Platform;
  let gateway: RunningGateway;
  let client: OpAMPClient | undefined;
  const exchanges: Exchange[] = [];
  const failures: unknown[] = [];
  const onSuccess = (message: unknown): void => void exchanges.push(message as Exchange);
  const onFail = (message: unknown): void => void failures.push(message);

  beforeAll(async () => {
    platform = createMemoryPlatform();
    gateway = await startGateway({ port: 0, host: '127.0.0.1', gatewayId: 'gw-elastic' }, platform);
    subscribe(DIAG_CH_SEND_SUCCESS, onSuccess);
    subscribe(DIAG_CH_SEND_FAIL, onFail);
  });

  afterAll(async () => {
    unsubscribe(DIAG_CH_SEND_SUCCESS, onSuccess);
    unsubscribe(DIAG_CH_SEND_FAIL, onFail);
    await client?.shutdown();
    await gateway.stop();
    await platform.close();
  });

  it('connects, reports its description, receives remote configs and reports them APPLIED', async () => {
    const instanceUid = randomUUID();
    const first = await storeConfig(platform, '{"logging_level":"info"}', 'application/json');
    await setDesired(platform, [instanceUid], first);
    const received: string[] = [];

    const agent: OpAMPClient = createOpAMPClient({
      endpoint: gateway.httpUrl,
      instanceUid,
      capabilities: BigInt(Number(AgentCapabilities['AgentCapabilities_AcceptsRemoteConfig']) | Number(AgentCapabilities['AgentCapabilities_ReportsRemoteConfig'])),
      heartbeatIntervalSeconds: 0.1,
      diagEnabled: true,
      onMessage: ({ remoteConfig }) => {
        if (!remoteConfig) return;
        received.push(Buffer.from(remoteConfig.configHash).toString('hex'));
        agent.setRemoteConfigStatus({ lastRemoteConfigHash: remoteConfig.configHash, status: RemoteConfigStatuses.RemoteConfigStatuses_APPLIED });
      },
    });
    client = agent;
    agent.setAgentDescription({
      identifyingAttributes: { 'service.name': 'elastic-interop', 'service.environment': 'test' },
      nonIdentifyingAttributes: { 'host.name': 'interop-host', 'process.pid': 42 },
    });
    agent.start();

    // the first config arrives in a reply and is reported APPLIED
    const appliedFirst = await eventually(
      async () => {
        const events = await fleetEvents(platform, instanceUid);
        return events.find((e) => e.type === 'remote-config-status' && e.snapshot.remoteConfigStatus?.status === 'APPLIED' && e.snapshot.remoteConfigStatus.hash === first);
      },
      { timeoutMs: 10_000, what: 'APPLIED for the first config' },
    );
    expect(appliedFirst.snapshot).toMatchObject({
      gatewayId: 'gw-elastic',
      transport: 'http',
      connected: true,
      identifying: { 'service.name': 'elastic-interop', 'service.environment': 'test' },
      nonIdentifying: { 'host.name': 'interop-host', 'process.pid': '42' },
    });

    // a new desired config goes out with the next poll after a nudge
    const second = await storeConfig(platform, '{"logging_level":"debug"}', 'application/json');
    await setDesired(platform, [instanceUid], second);
    nudge(platform, gateway.gatewayId, [instanceUid]);
    await eventually(
      async () => (await fleetEvents(platform, instanceUid)).some((e) => e.snapshot.remoteConfigStatus?.status === 'APPLIED' && e.snapshot.remoteConfigStatus.hash === second),
      { timeoutMs: 10_000, what: 'APPLIED for the second config' },
    );

    // let a few heartbeats go by: no config is offered again, nothing is published for them
    const before = exchanges.length;
    await eventually(() => exchanges.length >= before + 5, { timeoutMs: 5_000, what: 'five more heartbeats' });
    expect(received).toEqual([first, second]);
    expect(failures).toEqual([]);
    const uidHex = instanceUid.replace(/-/g, '');
    expect(exchanges.every((e) => Buffer.from(e.s2a.instanceUid).toString('hex') === uidHex)).toBe(true);
    expect(exchanges.filter((e) => (e.s2a.flags & REPORT_FULL_STATE) !== 0n)).toEqual([]);
    const types = (await fleetEvents(platform, instanceUid)).map((e) => e.type);
    expect(types).toEqual(['connected', 'remote-config-status', 'remote-config-status']);
  });
});
