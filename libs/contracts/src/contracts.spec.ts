import { ContractViolationError, desiredConfigContract, fleetEventContract, pushNudgeContract, subjects, type FleetEvent } from './index';

describe('JSON contracts', () => {
  it('round-trips a desired config entry', () => {
    const entry = { configHash: 'a'.repeat(64), rolloutId: 'r1', setAt: 5 };
    expect(desiredConfigContract.decode(desiredConfigContract.encode(entry))).toEqual(entry);
  });

  it('names the field that breaks the contract', () => {
    const bytes = new TextEncoder().encode(JSON.stringify({ configHash: 'xyz', rolloutId: null, setAt: 1 }));
    expect(() => desiredConfigContract.decode(bytes)).toThrow(/agent-desired entry: configHash/);
  });

  it('refuses bytes that are not JSON with a coded error', () => {
    const decode = (): unknown => pushNudgeContract.decode(new Uint8Array([0xff, 0x00, 0x7b]));
    expect(decode).toThrow(ContractViolationError);
    expect(decode).toThrow('gateway push nudge: not valid JSON');
  });

  it('round-trips a push nudge with and without the desired entries', () => {
    const bare = { agentIds: ['a1', 'a2'] };
    const carrying = { agentIds: ['a1', 'a2'], desired: [{ configHash: 'a'.repeat(64), revision: 7 }, { configHash: 'b'.repeat(64), revision: 8 }] };
    expect(pushNudgeContract.decode(pushNudgeContract.encode(bare))).toEqual(bare);
    expect(pushNudgeContract.decode(pushNudgeContract.encode(carrying))).toEqual(carrying);
  });

  it('refuses a push nudge whose desired entries do not pair with its agent ids', () => {
    const nudge = { agentIds: ['a1', 'a2'], desired: [{ configHash: 'a'.repeat(64), revision: 7 }] };
    expect(() => pushNudgeContract.decode(pushNudgeContract.encode(nudge))).toThrow('gateway push nudge: desired: desired must hold one entry per agent id');
    const badRevision = { agentIds: ['a1'], desired: [{ configHash: 'a'.repeat(64), revision: 0 }] };
    expect(() => pushNudgeContract.decode(pushNudgeContract.encode(badRevision))).toThrow(/gateway push nudge: desired\.0\.revision/);
  });

  it('refuses a fleet event of an unknown kind', () => {
    const bytes = new TextEncoder().encode(JSON.stringify({ type: 'heartbeat', schemaVersion: 1 }));
    expect(() => fleetEventContract.decode(bytes)).toThrow(/fleet event: type/);
  });
});

describe('fleetEventContract', () => {
  const snapshot: FleetEvent['snapshot'] = {
    agentId: 'a1',
    gatewayId: 'gw-1',
    transport: 'websocket',
    connected: true,
    capabilities: 7,
    identifying: { 'service.name': 'otelcol "contrib"' },
    nonIdentifying: {},
    health: null,
    remoteConfigStatus: { hash: 'ab'.repeat(32), status: 'APPLIED', errorMessage: '', reportedAt: 9 },
    effectiveConfigHash: 'cd'.repeat(32),
  };
  const event: FleetEvent = { type: 'remote-config-status', schemaVersion: 1, id: 'e1', at: 9, agentId: 'a1', changes: ['remote-config-status', 'effective-config'], snapshot };
  const json = (value: unknown): Uint8Array => new TextEncoder().encode(JSON.stringify(value));

  it('decodes what it encodes, with every change of the report', () => {
    expect(fleetEventContract.decode(fleetEventContract.encode(event))).toEqual(event);
  });

  it('reads an event stored before `changes` existed as a change of its type alone', () => {
    const { changes: _, ...stored } = event;
    expect(fleetEventContract.decode(json(stored)).changes).toEqual(['remote-config-status']);
  });

  it('refuses an event whose changes are empty or do not start with its type, naming the field', () => {
    expect(() => fleetEventContract.decode(json({ ...event, changes: [] }))).toThrow(/fleet event: changes/);
    expect(() => fleetEventContract.decode(json({ ...event, changes: ['heartbeat'] }))).toThrow(/fleet event: changes/);
    expect(() => fleetEventContract.decode(json({ ...event, changes: ['effective-config'] }))).toThrow(/fleet event: changes: must start with the event type/);
  });

  it('leaves out of `changes` the parts a newer gateway reports and this version does not know', () => {
    expect(fleetEventContract.decode(json({ ...event, changes: ['remote-config-status', 'heartbeat', 'effective-config'] })).changes).toEqual(['remote-config-status', 'effective-config']);
  });

  it('tells an event of a newer Roost (unknown kind, newer schema) from a broken one', () => {
    const unreadable = (raw: unknown): unknown => {
      try {
        return fleetEventContract.decode(json(raw));
      } catch (error) {
        return error;
      }
    };
    expect(unreadable({ ...event, type: 'teleported', changes: ['teleported'] })).toMatchObject({ name: 'UnreadableEventError', unreadable: { reason: 'unknown_type', eventType: 'teleported' } });
    expect(unreadable({ ...event, schemaVersion: 2 })).toMatchObject({ name: 'UnreadableEventError', unreadable: { reason: 'newer_schema', schemaVersion: 2 } });
    expect(unreadable({ ...event, schemaVersion: 0 })).toBeInstanceOf(ContractViolationError);
  });
});

describe('subjects', () => {
  it('builds domain-first lowercase subjects', () => {
    expect(subjects.fleetAgentEvent('0190b7f8-bb85-72b5-8942-8533325b988a', 'remote-config-status')).toBe(
      'fleet.agent.0190b7f8-bb85-72b5-8942-8533325b988a.remote-config-status',
    );
    expect(subjects.rolloutEvents('r-42')).toBe('rollout.events.r-42');
    expect(subjects.gatewayPush('gw-1')).toBe('gateway.gw-1.push');
    expect(subjects.rolloutCommand('promote')).toBe('rollout.cmd.promote');
  });
});
