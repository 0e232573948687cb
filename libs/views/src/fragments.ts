import type { ViewWrite } from '@roost/ports';
import { assertNever } from './assert-never';

/**
 * A piece of the current views a projection needs to read before it can compute its writes:
 * a string key, or one field of a hash. Which fragments an event needs depends on the event
 * alone, so a whole batch of events can be read at once before any of it is projected.
 */
export interface FragmentRef {
  readonly key: string;
  readonly field?: string;
}

/** Answers the fragments a projection asked for; asking for one it did not name is a bug. */
export interface FragmentReader {
  read(ref: FragmentRef): string | null;
  /** The fragment parsed as JSON; null when absent. */
  readJson<T>(ref: FragmentRef): T | null;
}

/**
 * Takes JSON records (hash fields) a projection would write, so a batch serialises each record
 * once, at its last value, instead of once per event that touched it.
 */
export interface JsonRecordSink {
  putJson(ref: FragmentRef & { readonly field: string }, value: unknown): void;
}

/** A record put through the sink: serialised only when someone reads it as text or the batch ends. */
interface PendingJson {
  readonly json: unknown;
  text?: string;
}

function refId(ref: FragmentRef): string {
  return ref.field === undefined ? ref.key : `${ref.key}\u0000${ref.field}`;
}

/**
 * The fragments of a batch: filled from the store once, then kept in step with the writes of
 * each projected event (`absorb`), so the next event of the batch reads what the previous one
 * wrote, exactly as if each had been applied on its own. A writer may keep the cache for its
 * next batch once this one is stored: held fragments stay true as long as it is the only writer.
 */
export class FragmentCache implements FragmentReader, JsonRecordSink {
  private readonly values = new Map<string, string | null | PendingJson>();
  private readonly fieldsOf = new Map<string, Set<string>>();
  private readonly pending = new Map<string, FragmentRef & { readonly field: string }>();

  /** How many fragments are held (a long-lived cache is dropped past a bound). */
  get size(): number {
    return this.values.size;
  }

  has(ref: FragmentRef): boolean {
    return this.values.has(refId(ref));
  }

  /** Refs not yet held, without duplicates. */
  missing(refs: Iterable<FragmentRef>): FragmentRef[] {
    const out = new Map<string, FragmentRef>();
    for (const ref of refs) if (!this.values.has(refId(ref))) out.set(refId(ref), ref);
    return [...out.values()];
  }

  fill(ref: FragmentRef, value: string | null): void {
    this.values.set(refId(ref), value);
    if (ref.field !== undefined) {
      let fields = this.fieldsOf.get(ref.key);
      if (fields === undefined) this.fieldsOf.set(ref.key, (fields = new Set()));
      fields.add(ref.field);
    }
  }

  read(ref: FragmentRef): string | null {
    const held = this.held(ref);
    if (held === null || typeof held === 'string') return held;
    held.text ??= JSON.stringify(held.json);
    return held.text;
  }

  readJson<T>(ref: FragmentRef): T | null {
    const held = this.held(ref);
    if (held === null) return null;
    return (typeof held === 'string' ? JSON.parse(held) : held.json) as T;
  }

  putJson(ref: FragmentRef & { readonly field: string }, value: unknown): void {
    this.fill(ref, null);
    this.values.set(refId(ref), { json: value });
    this.pending.set(refId(ref), ref);
  }

  /** The records put through the sink and not overwritten since, one hset per hash; clears them. */
  takeJsonWrites(): ViewWrite[] {
    const byKey = new Map<string, Record<string, string>>();
    for (const ref of this.pending.values()) {
      const fields = byKey.get(ref.key) ?? {};
      // read() serialises and keeps the parsed value too, so a later batch need not parse it.
      fields[ref.field] = this.read(ref) ?? 'null';
      byKey.set(ref.key, fields);
    }
    this.pending.clear();
    return [...byKey].map(([key, fields]) => ({ op: 'hset', key, fields }));
  }

  private held(ref: FragmentRef): string | null | PendingJson {
    const id = refId(ref);
    const held = this.values.get(id);
    if (held === undefined) throw new Error(`fragment ${ref.key}${ref.field === undefined ? '' : ` ${ref.field}`} was not read before projecting`);
    return held;
  }

  /** Updates the held fragments that `writes` change; writes to other keys are not tracked. */
  absorb(writes: readonly ViewWrite[]): void {
    for (const write of writes) this.absorbOne(write);
  }

  private absorbOne(write: ViewWrite): void {
    switch (write.op) {
      case 'set':
        return this.update({ key: write.key }, write.value);
      case 'del':
        this.update({ key: write.key }, null);
        for (const field of this.fieldsOf.get(write.key) ?? []) this.update({ key: write.key, field }, null);
        return;
      case 'hset': {
        // Only the fields held matter; a record of twenty fields usually has one of interest.
        const held = this.fieldsOf.get(write.key);
        if (held !== undefined) for (const field of held) if (Object.prototype.hasOwnProperty.call(write.fields, field)) this.update({ key: write.key, field }, write.fields[field] ?? null);
        return;
      }
      case 'hincrby': {
        const ref = { key: write.key, field: write.field };
        if (this.has(ref)) this.update(ref, String(Number(this.read(ref) ?? '0') + write.by));
        return;
      }
      case 'hdel': {
        const held = this.fieldsOf.get(write.key);
        if (held !== undefined) for (const field of write.fields) if (held.has(field)) this.update({ key: write.key, field }, null);
        return;
      }
      case 'zadd':
      case 'zrem':
      case 'sadd':
      case 'srem':
        return;
      default:
        return assertNever(write);
    }
  }

  private update(ref: FragmentRef, value: string | null): void {
    if (!this.has(ref)) return;
    this.values.set(refId(ref), value);
    this.pending.delete(refId(ref));
  }
}
