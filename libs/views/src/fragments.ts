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

type Held = string | null | PendingJson;

/**
 * The fragments of a batch: filled from the store once, then kept in step with the writes of
 * each projected event (`absorb`), so the next event of the batch reads what the previous one
 * wrote, exactly as if each had been applied on its own. A writer may keep the cache for its
 * next batch once this one is stored: held fragments stay true as long as it is the only writer.
 * Held by key, and hash fields by key then field (no joined key string per look-up: a batch of
 * 500 events looks fragments up tens of thousands of times).
 */
export class FragmentCache implements FragmentReader, JsonRecordSink {
  private readonly strings = new Map<string, Held>();
  private readonly hashes = new Map<string, Map<string, Held>>();
  /** Hash fields put through the sink and not overwritten since, by key. */
  private readonly pending = new Map<string, Set<string>>();
  private held = 0;

  /** How many fragments are held (a long-lived cache is dropped past a bound). */
  get size(): number {
    return this.held;
  }

  has(ref: FragmentRef): boolean {
    return ref.field === undefined ? this.strings.has(ref.key) : this.hashes.get(ref.key)?.has(ref.field) === true;
  }

  /** Refs not yet held, without duplicates. */
  missing(refs: Iterable<FragmentRef>): FragmentRef[] {
    const out: FragmentRef[] = [];
    const asked = new FragmentCache();
    for (const ref of refs) {
      if (this.has(ref) || asked.has(ref)) continue;
      asked.fill(ref, null);
      out.push(ref);
    }
    return out;
  }

  fill(ref: FragmentRef, value: string | null): void {
    this.hold(ref, value);
  }

  /**
   * Fills fragments read before `since` were written (a read that went out ahead of a write):
   * each is brought up to date by those writes; one held already is newer, and kept.
   */
  fillBehind(refs: readonly FragmentRef[], values: readonly (string | null)[], since: readonly ViewWrite[]): void {
    const read = new FragmentCache();
    refs.forEach((ref, i) => {
      if (!this.has(ref)) read.fill(ref, values[i] ?? null);
    });
    read.absorb(since);
    for (const [key, value] of read.strings) this.hold({ key }, value);
    for (const [key, fields] of read.hashes) for (const [field, value] of fields) this.hold({ key, field }, value);
  }

  read(ref: FragmentRef): string | null {
    const held = this.lookUp(ref);
    if (held === null || typeof held === 'string') return held;
    held.text ??= JSON.stringify(held.json);
    return held.text;
  }

  readJson<T>(ref: FragmentRef): T | null {
    const held = this.lookUp(ref);
    if (held === null) return null;
    return (typeof held === 'string' ? JSON.parse(held) : held.json) as T;
  }

  putJson(ref: FragmentRef & { readonly field: string }, value: unknown): void {
    this.hold(ref, { json: value });
    let fields = this.pending.get(ref.key);
    if (fields === undefined) this.pending.set(ref.key, (fields = new Set()));
    fields.add(ref.field);
  }

  /** The records put through the sink and not overwritten since, one hset per hash; clears them. */
  takeJsonWrites(): ViewWrite[] {
    const writes: ViewWrite[] = [];
    for (const [key, names] of this.pending) {
      if (names.size === 0) continue;
      const fields: Record<string, string> = {};
      // read() serialises and keeps the parsed value too, so a later batch need not parse it.
      for (const field of names) fields[field] = this.read({ key, field }) ?? 'null';
      writes.push({ op: 'hset', key, fields });
    }
    this.pending.clear();
    return writes;
  }

  private hold(ref: FragmentRef, value: Held): void {
    if (ref.field === undefined) {
      if (!this.strings.has(ref.key)) this.held += 1;
      this.strings.set(ref.key, value);
      return;
    }
    let fields = this.hashes.get(ref.key);
    if (fields === undefined) this.hashes.set(ref.key, (fields = new Map()));
    if (!fields.has(ref.field)) this.held += 1;
    fields.set(ref.field, value);
  }

  private lookUp(ref: FragmentRef): Held {
    const held = ref.field === undefined ? this.strings.get(ref.key) : this.hashes.get(ref.key)?.get(ref.field);
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
        if (this.strings.has(write.key)) this.strings.set(write.key, write.value);
        return;
      case 'del': {
        if (this.strings.has(write.key)) this.strings.set(write.key, null);
        const fields = this.hashes.get(write.key);
        if (fields !== undefined) for (const field of fields.keys()) fields.set(field, null);
        this.pending.delete(write.key);
        return;
      }
      case 'hset': {
        // Only the fields held matter; a record of twenty fields usually has one of interest.
        const fields = this.hashes.get(write.key);
        if (fields !== undefined) {
          for (const field of fields.keys()) if (Object.prototype.hasOwnProperty.call(write.fields, field)) this.updateField(write.key, fields, field, write.fields[field] ?? null);
        }
        return;
      }
      case 'hincrby': {
        const fields = this.hashes.get(write.key);
        if (fields?.has(write.field)) this.updateField(write.key, fields, write.field, String(Number(this.read(write) ?? '0') + write.by));
        return;
      }
      case 'hdel': {
        const fields = this.hashes.get(write.key);
        if (fields !== undefined) for (const field of write.fields) if (fields.has(field)) this.updateField(write.key, fields, field, null);
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

  private updateField(key: string, fields: Map<string, Held>, field: string, value: string | null): void {
    fields.set(field, value);
    this.pending.get(key)?.delete(field);
  }
}
