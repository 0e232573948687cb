import { decide } from './index';
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
    ['an unknown type', '{"type":"RolloutExploded","schemaVersion":1,"id":"r/1","rolloutId":"r","at":1}', 'undecodable'],
    ['the singular AgentTargeted of early builds', '{"type":"AgentTargeted","schemaVersion":1,"id":"r/1","rolloutId":"r","at":1}', 'undecodable'],
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
});
