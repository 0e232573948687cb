import { decodeFleetEvent, decodeRolloutEvent } from './stream-projections';

const bytes = (value: unknown): Uint8Array => new TextEncoder().encode(typeof value === 'string' ? value : JSON.stringify(value));

describe('decoding stream messages', () => {
  it('reads a rollout event of a known type and schema version', () => {
    const event = { type: 'RolloutPaused', schemaVersion: 1, id: 'r1/7', rolloutId: 'r1', at: 5, cause: 'operator', reason: null };
    expect(decodeRolloutEvent(bytes(event))).toEqual(event);
  });

  it.each([
    ['not JSON', '{', 'views.undecodable_event'],
    ['an unknown type', { type: 'RolloutExploded', schemaVersion: 1, id: 'r1/1', rolloutId: 'r1', at: 1 }, 'views.unknown_event_type'],
    ['a newer schema', { type: 'RolloutPaused', schemaVersion: 2, id: 'r1/1', rolloutId: 'r1', at: 1 }, 'views.unsupported_schema'],
    ['no rollout id', { type: 'RolloutPaused', schemaVersion: 1, id: 'r1/1', at: 1 }, 'views.undecodable_event'],
  ])('refuses %s with a coded error', (_name, message, code) => {
    expect(() => decodeRolloutEvent(bytes(message))).toThrow(expect.objectContaining({ code }));
  });

  it('tells a fleet event of a newer Roost from a broken one', () => {
    expect(() => decodeFleetEvent(bytes({ type: 'teleported', schemaVersion: 1, id: 'x', at: 1, agentId: 'a' }))).toThrow(
      expect.objectContaining({ code: 'views.unknown_event_type', eventType: 'teleported' }),
    );
    expect(() => decodeFleetEvent(bytes({ type: 'connected', schemaVersion: 2, id: 'x', at: 1, agentId: 'a' }))).toThrow(expect.objectContaining({ code: 'views.unsupported_schema' }));
  });

  it('refuses a fleet event that breaks its contract, naming the field', () => {
    expect(() => decodeFleetEvent(bytes({ type: 'connected', schemaVersion: 1, id: 'x', at: 1, agentId: 'a' }))).toThrow(
      expect.objectContaining({ code: 'views.undecodable_event', message: expect.stringContaining('snapshot') }),
    );
  });
});
