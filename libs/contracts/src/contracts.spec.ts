import { ContractViolationError, desiredConfigContract, fleetEventContract, pushNudgeContract, subjects } from './index';

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

  it('refuses a fleet event of an unknown kind', () => {
    const bytes = new TextEncoder().encode(JSON.stringify({ type: 'heartbeat', schemaVersion: 1 }));
    expect(() => fleetEventContract.decode(bytes)).toThrow(/fleet event: type/);
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
