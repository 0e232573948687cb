import { decide, ROLLOUT_EVENT_SCHEMAS, ROLLOUT_EVENT_TYPES } from './index';
import { decodeRolloutEvent, encodeRolloutEvent, RolloutEventDecodeError } from './rollout-event-codec';
import { eventsOf, fleetOf, startCommand } from './testing/rollout-fixtures';

const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);

describe('rollout events on the wire', () => {
  it('decodes what it encodes, event for event', () => {
    const events = eventsOf(decide(null, startCommand({ fleet: fleetOf(30) })));
    expect(events.map((event) => decodeRolloutEvent(encodeRolloutEvent(event)))).toEqual(events);
  });

  it.each([
    ['not JSON', '{', 'undecodable'],
    ['not an object', '42', 'undecodable'],
    ['an unknown type', '{"type":"RolloutExploded","schemaVersion":1,"id":"r/1","rolloutId":"r","at":1}', 'unknown_type'],
    ['the singular AgentTargeted of early builds', '{"type":"AgentTargeted","schemaVersion":1,"id":"r/1","rolloutId":"r","at":1}', 'unknown_type'],
    ['an unknown type of a newer schema', '{"type":"RolloutExploded","schemaVersion":2,"id":"r/1","rolloutId":"r","at":1}', 'unknown_type'],
    ['no type', '{"schemaVersion":1,"id":"r/1","rolloutId":"r","at":1}', 'undecodable'],
    ['a body that breaks its type', '{"type":"RolloutPaused","schemaVersion":1,"id":"r/1","rolloutId":"r","at":1,"cause":"boredom","reason":null}', 'undecodable'],
    ['a newer schema', '{"type":"RolloutPaused","schemaVersion":2,"id":"r/1","rolloutId":"r","at":1}', 'unsupported_schema'],
    ['no time', '{"type":"RolloutPaused","schemaVersion":1,"id":"r/1","rolloutId":"r"}', 'undecodable'],
  ])('refuses %s, saying why', (_name, text, reason) => {
    const error = (() => {
      try {
        return decodeRolloutEvent(bytes(text));
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(RolloutEventDecodeError);
    expect(error).toMatchObject({ reason });
  });

  it('names the field of the body that is wrong, and keeps fields it does not know out', () => {
    const paused = { type: 'RolloutPaused', schemaVersion: 1, id: 'r/2', rolloutId: 'r', at: 1, cause: 'operator', reason: null };
    expect(() => decodeRolloutEvent(bytes(JSON.stringify({ ...paused, cause: 'boredom' })))).toThrow(/rollout event RolloutPaused: cause: /);
    expect(() => decodeRolloutEvent(bytes(JSON.stringify({ ...paused, reason: undefined })))).toThrow(/rollout event RolloutPaused: reason: /);
    expect(decodeRolloutEvent(bytes(JSON.stringify({ ...paused, addedLater: true })))).toEqual(paused);
  });

  it('knows every type the engine writes, from the one list of schemas', () => {
    expect(ROLLOUT_EVENT_TYPES).toHaveLength(29);
    expect(new Set(ROLLOUT_EVENT_TYPES).size).toBe(ROLLOUT_EVENT_TYPES.length);
    expect(ROLLOUT_EVENT_TYPES).toEqual(Object.keys(ROLLOUT_EVENT_SCHEMAS));
  });
});
