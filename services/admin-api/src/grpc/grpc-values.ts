/**
 * Conversions between Roost's values and the well-known protobuf types and enums of
 * `roost.admin.v1`, as @grpc/proto-loader represents them (field names as in the .proto,
 * 64-bit integers as numbers, enums as their names).
 */

export interface Timestamp {
  readonly seconds: number;
  readonly nanos: number;
}
export type Duration = Timestamp;

/** Milliseconds since the epoch as a google.protobuf.Timestamp; null and undefined stay absent. */
export function timestamp(ms: number | null | undefined): Timestamp | undefined {
  if (ms === null || ms === undefined) return undefined;
  const seconds = Math.floor(ms / 1000);
  return { seconds, nanos: Math.round((ms - seconds * 1000) * 1e6) };
}

/** Milliseconds as a google.protobuf.Duration. */
export const duration: (ms: number | null | undefined) => Duration | undefined = timestamp;

/** A google.protobuf.Duration (or Timestamp) as milliseconds; absent stays absent. */
export function millis(value: unknown): number | undefined {
  if (value === undefined || value === null || typeof value !== 'object') return undefined;
  const { seconds, nanos } = value as { seconds?: unknown; nanos?: unknown };
  return Number(seconds ?? 0) * 1000 + Number(nanos ?? 0) / 1e6;
}

/** `in_progress` in enum ROLLOUT_STATUS → `ROLLOUT_STATUS_IN_PROGRESS`; null and undefined → UNSPECIFIED. */
export function enumName(prefix: string, value: string | null | undefined): string {
  return `${prefix}_${value === null || value === undefined ? 'UNSPECIFIED' : value.toUpperCase()}`;
}

/**
 * A request's enum field as the operation's input: `ROLLOUT_STATUS_IN_PROGRESS` → `in_progress`;
 * UNSPECIFIED (or absent) → undefined; a number the .proto does not name stays as it is, for
 * the operation's validation to refuse by the field's name.
 */
export function enumInput(prefix: string, value: unknown): unknown {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') return value;
  if (value === `${prefix}_UNSPECIFIED`) return undefined;
  return value.startsWith(`${prefix}_`) ? value.slice(prefix.length + 1).toLowerCase() : value;
}

// protobufjs bundles google/protobuf/struct.proto with camelCase field names (`stringValue`), whatever keepCase says.
type JsonValue = string | number | boolean | null | readonly JsonValue[] | { readonly [key: string]: JsonValue | undefined };
type Value = { nullValue: 'NULL_VALUE' } | { numberValue: number } | { stringValue: string } | { boolValue: boolean } | { structValue: Struct } | { listValue: { values: Value[] } };
export interface Struct {
  readonly fields: Record<string, Value>;
}

function value(json: JsonValue | undefined): Value {
  if (json === null || json === undefined) return { nullValue: 'NULL_VALUE' };
  if (typeof json === 'number') return { numberValue: json };
  if (typeof json === 'string') return { stringValue: json };
  if (typeof json === 'boolean') return { boolValue: json };
  if (Array.isArray(json)) return { listValue: { values: (json as readonly JsonValue[]).map(value) } };
  return { structValue: struct(json as Record<string, JsonValue>) };
}

/** A JSON object as a google.protobuf.Struct. */
export function struct(json: Readonly<Record<string, unknown>>): Struct {
  return { fields: Object.fromEntries(Object.entries(json).filter(([, v]) => v !== undefined).map(([key, v]) => [key, value(v as JsonValue)])) };
}
