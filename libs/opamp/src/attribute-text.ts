import { bytesToHex } from '@noble/hashes/utils';
import Long from 'long';
import type { AnyValueInit, KeyValueInit } from './proto-types';

/**
 * Agent attributes as flat text, the form Roost's selectors, snapshots and views use
 * (`service.environment` → "prod"). Scalars print plainly (int64 in decimal, bytes in hex,
 * bool as "true"/"false"), arrays and key/value lists as compact JSON, null as "".
 *
 * Bounds: attributes are held per connected agent, so keys and values are cut to
 * MAX_KEY_CHARS / MAX_VALUE_CHARS, and a list keeps its first attributes (in the agent's
 * order) up to MAX_ATTRIBUTES and MAX_LIST_CHARS of keys and values in all. Real collector
 * descriptions are far below these (about ten short values, under 1 KB).
 * A key that appears twice keeps its last value.
 */
export const MAX_ATTRIBUTES = 32;
export const MAX_KEY_CHARS = 64;
export const MAX_VALUE_CHARS = 128;
export const MAX_LIST_CHARS = 4096;

export type AttributeText = Readonly<Record<string, string>>;

export function attributeText(attributes: readonly KeyValueInit[] | null | undefined): AttributeText {
  const entries: [string, string][] = [];
  let chars = 0;
  for (const attribute of (attributes ?? []).slice(0, MAX_ATTRIBUTES)) {
    const entry: [string, string] = [clip(attribute.key ?? '', MAX_KEY_CHARS), clip(anyValueText(attribute.value), MAX_VALUE_CHARS)];
    chars += entry[0].length + entry[1].length;
    if (chars > MAX_LIST_CHARS) break;
    entries.push(entry);
  }
  // fromEntries defines own properties, so a "__proto__" key is stored, not assigned.
  return Object.fromEntries(entries);
}

export function anyValueText(value: AnyValueInit | null | undefined): string {
  const json = anyValueJson(value, 0);
  if (json === null) return '';
  return typeof json === 'string' ? json : JSON.stringify(json);
}

type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

// Nesting beyond this is shown as null; the decoder already bounds depth, this bounds output.
const MAX_DEPTH = 8;

function anyValueJson(value: AnyValueInit | null | undefined, depth: number): Json {
  if (!value || depth > MAX_DEPTH) return null;
  if (value.stringValue != null) return value.stringValue;
  if (value.boolValue != null) return value.boolValue;
  if (value.intValue != null) return Long.isLong(value.intValue) ? value.intValue.toString() : String(value.intValue);
  if (value.doubleValue != null) return Number.isFinite(value.doubleValue) ? value.doubleValue : String(value.doubleValue);
  if (value.bytesValue != null) return bytesToHex(value.bytesValue);
  if (value.arrayValue != null) return (value.arrayValue.values ?? []).map((item) => anyValueJson(item, depth + 1));
  if (value.kvlistValue != null) {
    const entries = (value.kvlistValue.values ?? []).map((kv): [string, Json] => [kv.key ?? '', anyValueJson(kv.value, depth + 1)]);
    return Object.fromEntries(entries);
  }
  return null;
}

function clip(text: string, max: number): string {
  return text.length <= max ? text : text.slice(0, max);
}
