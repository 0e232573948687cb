import { duration, enumInput, enumName, millis, struct, timestamp } from './grpc-values';
import { jsonName, mapEntryName } from './grpc-reflection';

describe('gRPC values', () => {
  it('turns milliseconds into Timestamps and Durations and back, keeping absent absent', () => {
    expect(timestamp(1_795_742_174_810)).toEqual({ seconds: 1_795_742_174, nanos: 810_000_000 });
    expect(duration(300)).toEqual({ seconds: 0, nanos: 300_000_000 });
    expect(timestamp(null)).toBeUndefined();
    expect(millis({ seconds: 2, nanos: 500_000_000 })).toBe(2_500);
    expect(millis({ seconds: 5 })).toBe(5_000);
    expect(millis(undefined)).toBeUndefined();
  });

  it('names enum values with their prefix and reads them back; UNSPECIFIED reads as absent', () => {
    expect(enumName('ROLLOUT_STATUS', 'rolled_back')).toBe('ROLLOUT_STATUS_ROLLED_BACK');
    expect(enumName('PAUSED_BY', null)).toBe('PAUSED_BY_UNSPECIFIED');
    expect(enumInput('ROLLOUT_STATUS', 'ROLLOUT_STATUS_IN_PROGRESS')).toBe('in_progress');
    expect(enumInput('ROLLOUT_STATUS', 'ROLLOUT_STATUS_UNSPECIFIED')).toBeUndefined();
    // a number the .proto does not name stays, for validation to refuse by the field's name
    expect(enumInput('ROLLOUT_STATUS', 42)).toBe(42);
  });

  it('writes JSON objects as Structs', () => {
    expect(struct({ a: 'x', n: 1, ok: true, none: null, list: [1], nested: { b: 'y' }, skipped: undefined })).toEqual({
      fields: {
        a: { stringValue: 'x' },
        n: { numberValue: 1 },
        ok: { boolValue: true },
        none: { nullValue: 'NULL_VALUE' },
        list: { listValue: { values: [{ numberValue: 1 }] } },
        nested: { structValue: { fields: { b: { stringValue: 'y' } } } },
      },
    });
  });

  it('names map entries and JSON fields as protoc does', () => {
    expect(mapEntryName('non_identifying')).toBe('NonIdentifyingEntry');
    expect(mapEntryName('statuses')).toBe('StatusesEntry');
    expect(jsonName('first_seen_time')).toBe('firstSeenTime');
    expect(jsonName('n')).toBe('n');
  });
});
