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
}

function refId(ref: FragmentRef): string {
  return ref.field === undefined ? ref.key : `${ref.key}\u0000${ref.field}`;
}

/**
 * The fragments of one batch: filled from the store once, then kept in step with the writes
 * of each projected event (`absorb`), so the next event of the batch reads what the previous
 * one wrote, exactly as if each had been applied on its own.
 */
export class FragmentCache implements FragmentReader {
  private readonly values = new Map<string, string | null>();
  private readonly fieldsOf = new Map<string, Set<string>>();

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
    const id = refId(ref);
    if (!this.values.has(id)) throw new Error(`fragment ${ref.key}${ref.field === undefined ? '' : ` ${ref.field}`} was not read before projecting`);
    return this.values.get(id) ?? null;
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
        for (const field of this.fieldsOf.get(write.key) ?? []) this.values.set(refId({ key: write.key, field }), null);
        return;
      case 'hset':
        for (const [field, value] of Object.entries(write.fields)) this.update({ key: write.key, field }, value);
        return;
      case 'hincrby': {
        const ref = { key: write.key, field: write.field };
        if (this.has(ref)) this.values.set(refId(ref), String(Number(this.read(ref) ?? '0') + write.by));
        return;
      }
      case 'hdel':
        for (const field of write.fields) this.update({ key: write.key, field }, null);
        return;
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
    if (this.has(ref)) this.values.set(refId(ref), value);
  }
}
