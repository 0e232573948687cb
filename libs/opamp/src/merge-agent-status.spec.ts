import Long from 'long';
import type { AgentState } from './agent-state';
import { AgentCapability as Cap } from './capabilities';
import { configHashHex } from './config-hash';
import { mergeAgentStatus } from './merge-agent-status';
import { RemoteConfigStatuses, type AgentToServerInit } from './proto-types';

const seq = (n: number | string) => Long.fromValue(n, true);
const caps = (...bits: number[]) => Long.fromNumber(bits.reduce((all, bit) => all | bit, Cap.ReportsStatus), true);
const description = { identifyingAttributes: [{ key: 'service.name', value: { stringValue: 'otelcol' } }] };
const yaml = (text: string) => ({ configMap: { configMap: { '': { body: new TextEncoder().encode(text), contentType: 'text/yaml' } } } });
const applied = { lastRemoteConfigHash: Uint8Array.of(0xab), status: RemoteConfigStatuses.RemoteConfigStatuses_APPLIED };

/** Merges messages in order, returning every step's result. */
function run(messages: AgentToServerInit[], start?: AgentState) {
  let state = start;
  return messages.map((message) => {
    const result = mergeAgentStatus(state, message);
    state = result.state;
    return result;
  });
}

describe('mergeAgentStatus: status compression', () => {
  it('fills omitted parts from the previous state and reports only what changed', () => {
    // given an agent that reported everything
    const capabilities = caps(Cap.ReportsRemoteConfig, Cap.ReportsEffectiveConfig, Cap.ReportsHealth);
    const [first, heartbeat, update] = run([
      { sequenceNum: seq(0), capabilities, agentDescription: description, remoteConfigStatus: applied, effectiveConfig: yaml('a: 1'), health: { healthy: false } },
      // when it sends a heartbeat, then a health change alone
      { sequenceNum: seq(1), capabilities },
      { sequenceNum: seq(2), capabilities, health: { healthy: true, statusTimeUnixNano: seq(5) } },
    ]);
    // then
    expect(first!.changes).toEqual(['description', 'capabilities', 'health', 'remoteConfigStatus', 'effectiveConfigHash']);
    expect(heartbeat!.changes).toEqual([]);
    expect(update!.changes).toEqual(['health']);
    expect(update!.state).toMatchObject({
      description: { identifying: { 'service.name': 'otelcol' }, nonIdentifying: {} },
      remoteConfigStatus: { hash: 'ab', status: 'APPLIED', errorMessage: '' },
      effectiveConfigHash: configHashHex({ '': { body: 'a: 1', contentType: 'text/yaml' } }),
      health: { healthy: true, lastError: '', status: '', componentErrors: [] },
    });
    expect([first, heartbeat, update].map((step) => step!.reportFullState)).toEqual([false, false, false]);
  });

  it('keeps the effective config as its hash only, and sees no change in a re-sent equal config', () => {
    const capabilities = caps(Cap.ReportsEffectiveConfig);
    const [first, same, changed] = run([
      { sequenceNum: seq(1), capabilities, agentDescription: description, effectiveConfig: yaml('a: 1') },
      { sequenceNum: seq(2), capabilities, effectiveConfig: yaml('a: 1') },
      { sequenceNum: seq(3), capabilities, effectiveConfig: yaml('a: 2') },
    ]);
    expect(JSON.stringify(first!.state)).not.toContain('a: 1');
    expect(same!.changes).toEqual([]);
    expect(changed!.changes).toEqual(['effectiveConfigHash']);
  });

  it('does not count a new status timestamp as a health change', () => {
    const capabilities = caps(Cap.ReportsHealth);
    const [, later] = run([
      { sequenceNum: seq(1), capabilities, agentDescription: description, health: { healthy: true, statusTimeUnixNano: seq(1) } },
      { sequenceNum: seq(2), capabilities, health: { healthy: true, statusTimeUnixNano: seq(2) } },
    ]);
    expect(later!.changes).toEqual([]);
  });

  it("keeps the errors of unhealthy components and sees a change in them as a health change", () => {
    const capabilities = caps(Cap.ReportsHealth);
    const failing = (error: string) => ({ healthy: false, lastError: 'collector unhealthy', componentHealthMap: { 'pipeline:traces': { healthy: false, componentHealthMap: { 'exporter:otlp': { healthy: false, lastError: error } } } } });
    const [first, same, other] = run([
      { sequenceNum: seq(1), capabilities, agentDescription: description, health: failing('connection refused') },
      { sequenceNum: seq(2), health: failing('connection refused') },
      { sequenceNum: seq(3), health: failing('certificate expired') },
    ]);
    expect(first!.state.health?.componentErrors).toEqual(['pipeline:traces/exporter:otlp: connection refused']);
    expect(same!.changes).toEqual([]);
    expect(other!.changes).toEqual(['health']);
  });

  it('sees a change in any single field of health, remote config status or description, and in attribute order', () => {
    const capabilities = caps(Cap.ReportsHealth, Cap.ReportsRemoteConfig);
    const attrs = (...pairs: [string, string][]) => pairs.map(([key, value]) => ({ key, value: { stringValue: value } }));
    const failed = { lastRemoteConfigHash: Uint8Array.of(0xab), status: RemoteConfigStatuses.RemoteConfigStatuses_FAILED };
    const steps = run([
      { sequenceNum: seq(1), capabilities, agentDescription: { identifyingAttributes: attrs(['a', '1'], ['b', '2']) }, health: { healthy: true }, remoteConfigStatus: applied },
      { sequenceNum: seq(2), health: { healthy: true, status: 'degraded' } },
      { sequenceNum: seq(3), health: { healthy: true, status: 'degraded', lastError: 'oops' } },
      { sequenceNum: seq(4), health: { healthy: false, status: 'degraded', lastError: 'oops' } },
      { sequenceNum: seq(5), remoteConfigStatus: failed },
      { sequenceNum: seq(6), remoteConfigStatus: { ...failed, errorMessage: 'bad yaml' } },
      { sequenceNum: seq(7), remoteConfigStatus: { ...failed, errorMessage: 'bad yaml', lastRemoteConfigHash: Uint8Array.of(0xcd) } },
      { sequenceNum: seq(8), agentDescription: { identifyingAttributes: attrs(['a', '1'], ['b', '2']) } },
      { sequenceNum: seq(9), agentDescription: { identifyingAttributes: attrs(['b', '2'], ['a', '1']) } },
      { sequenceNum: seq(10), agentDescription: { identifyingAttributes: attrs(['b', '2'], ['a', '1']), nonIdentifyingAttributes: attrs(['c', '3']) } },
      { sequenceNum: seq(11), agentDescription: { identifyingAttributes: attrs(['b', '2'], ['a', '1']), nonIdentifyingAttributes: attrs(['c', '4']) } },
    ]);
    expect(steps.slice(1).map((step) => step.changes)).toEqual([
      ['health'],
      ['health'],
      ['health'],
      ['remoteConfigStatus'],
      ['remoteConfigStatus'],
      ['remoteConfigStatus'],
      [],
      ['description'],
      ['description'],
      ['description'],
    ]);
  });

  it('keeps the last capabilities when a message carries none, and reports a capability change', () => {
    const [, bare, changed] = run([
      { sequenceNum: seq(1), capabilities: caps(Cap.AcceptsRemoteConfig), agentDescription: description },
      { sequenceNum: seq(2) },
      { sequenceNum: seq(3), capabilities: caps() },
    ]);
    expect(bare!.state.capabilities).toBe(Cap.ReportsStatus | Cap.AcceptsRemoteConfig);
    expect(changed!.changes).toEqual(['capabilities']);
  });

  it('records a disconnect once, without asking for state', () => {
    const [, gone, again] = run([
      { sequenceNum: seq(1), capabilities: caps(), agentDescription: description },
      { sequenceNum: seq(9), capabilities: caps(), agentDisconnect: {} },
      { sequenceNum: seq(10), capabilities: caps(), agentDisconnect: {} },
    ]);
    expect(gone!.changes).toEqual(['disconnected']);
    expect(gone!.reportFullState).toBe(false);
    expect(again!.changes).toEqual([]);
  });

  it('reads unknown remote config status values as UNSET and bounds agent-supplied text', () => {
    const [step] = run([
      {
        sequenceNum: seq(1),
        capabilities: caps(Cap.ReportsRemoteConfig, Cap.ReportsHealth),
        agentDescription: description,
        remoteConfigStatus: { status: 9 as RemoteConfigStatuses, errorMessage: 'e'.repeat(100_000), lastRemoteConfigHash: new Uint8Array(1000) },
        health: { healthy: false, lastError: 'Collector log tail:\n'.repeat(10_000) },
      },
    ]);
    expect(step!.state.remoteConfigStatus?.status).toBe('UNSET');
    expect(JSON.stringify(step!.state).length).toBeLessThan(2_000);
  });

  it('holds about 10 KB at most, however large the report, and under 1 KB for a typical collector', () => {
    const kv = (key: string, value: string) => ({ key, value: { stringValue: value } });
    const huge = Array.from({ length: 200 }, (_, index) => kv(`${index}`.padEnd(500, 'k'), 'v'.repeat(5_000)));
    const capabilities = caps(Cap.ReportsRemoteConfig, Cap.ReportsEffectiveConfig, Cap.ReportsHealth);
    const [worst] = run([
      {
        sequenceNum: seq(1),
        capabilities,
        agentDescription: { identifyingAttributes: huge, nonIdentifyingAttributes: huge },
        remoteConfigStatus: { lastRemoteConfigHash: new Uint8Array(5_000), status: 3, errorMessage: 'e'.repeat(50_000) },
        availableComponents: { hash: new Uint8Array(5_000) },
        effectiveConfig: yaml('x'.repeat(1_000_000)),
        health: { healthy: false, status: 's'.repeat(50_000), lastError: 'e'.repeat(50_000) },
      },
    ]);
    const [typical] = run([
      {
        sequenceNum: seq(1),
        capabilities,
        agentDescription: {
          identifyingAttributes: [kv('service.instance.id', '0190b7f8-bb85-72b5-8942-8533325b988a'), kv('service.name', 'otelcol-contrib'), kv('service.version', '0.139.0')],
          nonIdentifyingAttributes: [kv('os.type', 'linux'), kv('host.arch', 'amd64'), kv('host.name', 'ip-10-0-12-34.eu-west-1.compute.internal'), kv('service.environment', 'production')],
        },
        remoteConfigStatus: { lastRemoteConfigHash: new Uint8Array(32), status: 1 },
        effectiveConfig: yaml('x'.repeat(50_000)),
        health: { healthy: true, status: 'StatusOK' },
      },
    ]);
    expect(JSON.stringify(worst!.state).length).toBeLessThan(11_000);
    expect(JSON.stringify(typical!.state).length).toBeLessThan(1_000);
  });
});

describe('mergeAgentStatus: ReportFullState', () => {
  it('asks an unknown agent whose message is compressed (a reconnect to a new gateway)', () => {
    const [step] = run([{ sequenceNum: seq(42), capabilities: caps() }]);
    expect(step!.reportFullState).toBe(true);
    expect(step!.state.fullStateRequested).toBe(true);
  });

  it('does not ask an unknown agent whose first message is complete (the Elastic client: description + empty status)', () => {
    const [step] = run([{ sequenceNum: seq(1), capabilities: caps(Cap.AcceptsRemoteConfig, Cap.ReportsRemoteConfig, Cap.ReportsHeartbeat), agentDescription: description, remoteConfigStatus: {} }]);
    expect(step!.reportFullState).toBe(false);
  });

  it('does not ask for health an opamp-go agent never set, when the message is otherwise complete', () => {
    const [step] = run([{ sequenceNum: seq(0), capabilities: caps(Cap.ReportsHealth, Cap.ReportsEffectiveConfig), agentDescription: description, effectiveConfig: yaml('x') }]);
    expect(step!.reportFullState).toBe(false);
  });

  it('asks after any sequence gap, since what it holds may be stale, and trusts nothing until full state arrives', () => {
    const capabilities = caps(Cap.ReportsRemoteConfig);
    const complete = run([
      { sequenceNum: seq(1), capabilities, agentDescription: description, remoteConfigStatus: applied },
      { sequenceNum: seq(2), capabilities },
      { sequenceNum: seq(5), capabilities },
      { sequenceNum: seq(6), capabilities },
      { sequenceNum: seq(9), capabilities, agentDescription: description, remoteConfigStatus: applied },
    ]);
    expect(complete.map((step) => step.reportFullState)).toEqual([false, false, true, false, false]);
    // seq 6 answered the request without full state: what the agent has, taken as it is
    expect(complete.map((step) => step.state.verified)).toEqual([true, true, false, true, true]);
    const lacking = run([
      { sequenceNum: seq(1), capabilities, agentDescription: description },
      { sequenceNum: seq(2), capabilities, agentDescription: description },
      { sequenceNum: seq(3), capabilities },
      { sequenceNum: seq(5), capabilities },
    ]);
    expect(lacking.map((step) => step.reportFullState)).toEqual([true, false, false, true]);
  });

  it('asks after a gap for health promised by ReportsHealth and never seen, and not again for the answer without it', () => {
    const capabilities = caps(Cap.ReportsHealth);
    const steps = run([
      { sequenceNum: seq(1), capabilities, agentDescription: description },
      { sequenceNum: seq(3), capabilities },
      { sequenceNum: seq(4), capabilities, agentDescription: description },
      { sequenceNum: seq(5), capabilities },
    ]);
    expect(steps.map((step) => step.reportFullState)).toEqual([false, true, false, false]);
  });

  it('treats the wrap from 2^64 - 1 to 0 as consecutive', () => {
    const [, wrapped] = run([{ sequenceNum: seq('18446744073709551615'), capabilities: caps(Cap.ReportsRemoteConfig), agentDescription: description }, { sequenceNum: seq(0), capabilities: caps(Cap.ReportsRemoteConfig) }]);
    expect(wrapped!.reportFullState).toBe(false);
  });

  it('never asks twice in a row, even when the answer jumps in sequence and still lacks state', () => {
    const steps = run([
      { sequenceNum: seq(3), capabilities: caps(Cap.ReportsRemoteConfig) },
      { sequenceNum: seq(10), capabilities: caps(Cap.ReportsRemoteConfig) },
      { sequenceNum: seq(20), capabilities: caps(Cap.ReportsRemoteConfig) },
    ]);
    expect(steps.map((step) => step.reportFullState)).toEqual([true, false, true]);
    expect(steps.map((step) => step.state.verified)).toEqual([false, false, false]);
  });

  it('behind a per-request balancer, trusts a gateway that sees every other message only on the full ones', () => {
    const capabilities = caps(Cap.ReportsRemoteConfig);
    const full = (n: number) => ({ sequenceNum: seq(n), capabilities, agentDescription: description, remoteConfigStatus: applied });
    const steps = run([full(1), { sequenceNum: seq(3), capabilities }, full(5), { sequenceNum: seq(7), capabilities }, { sequenceNum: seq(9), capabilities }]);
    expect(steps.map((step) => step.state.verified)).toEqual([true, false, true, false, false]);
    expect(steps.map((step) => step.reportFullState)).toEqual([false, true, false, true, false]);
  });
});
