import { PortError, type ComponentHealth, type OwnedViewStore, type ScoredMember, type ViewWrite, type ZRangeQuery } from '@roost/ports';
import { sortZset, typeAfter, typeOfWrite, type ValueType } from './view-types';

type Value =
  | { readonly type: 'string'; value: string }
  | { readonly type: 'hash'; readonly map: Map<string, string> }
  | { readonly type: 'zset'; readonly map: Map<string, number> }
  | { readonly type: 'set'; readonly set: Set<string> };

/**
 * Read models in process memory with Redis semantics: the same types, empty collections
 * vanish, members ordered bytewise, and applyOnce checks the whole batch before writing any
 * of it.
 */
export function createMemoryViewStore(): OwnedViewStore {
  return new MemoryViewStore();
}

class MemoryViewStore implements OwnedViewStore {
  private readonly data = new Map<string, Value>();

  async applyOnce(checkpointKey: string, sequence: number, writes: readonly ViewWrite[]): Promise<boolean> {
    if (sequence <= this.checkpointOf(checkpointKey)) return false;
    this.validate(writes);
    for (const write of writes) this.apply(write);
    this.data.set(checkpointKey, { type: 'string', value: String(sequence) });
    return true;
  }

  async checkpoint(checkpointKey: string): Promise<number> {
    return this.checkpointOf(checkpointKey);
  }

  async get(key: string): Promise<string | null> {
    const v = this.read(key, 'string');
    return v?.type === 'string' ? v.value : null;
  }

  async hget(key: string, field: string): Promise<string | null> {
    const v = this.read(key, 'hash');
    return v?.type === 'hash' ? (v.map.get(field) ?? null) : null;
  }

  async hgetall(key: string): Promise<Record<string, string>> {
    const v = this.read(key, 'hash');
    return v?.type === 'hash' ? Object.fromEntries(v.map) : {};
  }

  async zrange(key: string, query: ZRangeQuery = {}): Promise<ScoredMember[]> {
    const v = this.read(key, 'zset');
    if (v?.type !== 'zset') return [];
    let members = sortZset(v.map);
    if (query.by === 'score') {
      const min = query.min ?? -Infinity;
      const max = query.max ?? Infinity;
      members = members.filter((m) => m.score >= min && m.score <= max);
    }
    if (query.reverse) members.reverse();
    const offset = query.offset ?? 0;
    return members.slice(offset, query.count === undefined ? undefined : offset + query.count);
  }

  async zcard(key: string): Promise<number> {
    const v = this.read(key, 'zset');
    return v?.type === 'zset' ? v.map.size : 0;
  }

  async zscore(key: string, member: string): Promise<number | null> {
    const v = this.read(key, 'zset');
    return v?.type === 'zset' ? (v.map.get(member) ?? null) : null;
  }

  async smembers(key: string): Promise<string[]> {
    const v = this.read(key, 'set');
    return v?.type === 'set' ? [...v.set].sort(bytewise) : [];
  }

  async scanKeys(prefix: string): Promise<string[]> {
    return [...this.data.keys()].filter((k) => k.startsWith(prefix)).sort(bytewise);
  }

  async deleteByPrefix(prefix: string): Promise<number> {
    const keys = await this.scanKeys(prefix);
    for (const key of keys) this.data.delete(key);
    return keys.length;
  }

  async health(): Promise<ComponentHealth> {
    return { component: 'views', healthy: true, detail: 'in-memory' };
  }

  async close(): Promise<void> {
    // nothing to release: the data lives and dies with the process
  }

  private checkpointOf(key: string): number {
    const v = this.data.get(key);
    return v?.type === 'string' ? Number(v.value) : 0;
  }

  /** Like Redis, reading a key of another type is an error, not an empty answer. */
  private read(key: string, type: ValueType): Value | undefined {
    const v = this.data.get(key);
    if (v && v.type !== type) throw new PortError('invalid_argument', `key ${key} holds a ${v.type}, not a ${type}`);
    return v;
  }

  /** Walks the batch over the key types it would produce; any clash rejects it all. */
  private validate(writes: readonly ViewWrite[]): void {
    const types = new Map<string, ValueType | 'none'>();
    for (const write of writes) {
      const before = types.get(write.key) ?? this.data.get(write.key)?.type ?? 'none';
      const wanted = typeOfWrite(write.op);
      if (wanted !== undefined && before !== 'none' && before !== wanted) {
        throw new PortError('invalid_argument', `${write.op} on ${write.key}: the key holds a ${before}`);
      }
      if (write.op === 'hincrby' && !types.has(write.key)) {
        const current = this.data.get(write.key);
        const field = current?.type === 'hash' ? current.map.get(write.field) : undefined;
        if (field !== undefined && !/^-?\d+$/.test(field)) {
          throw new PortError('invalid_argument', `hincrby on ${write.key} ${write.field}: the field holds no integer`);
        }
      }
      types.set(write.key, typeAfter(write.op, before));
    }
  }

  private apply(write: ViewWrite): void {
    switch (write.op) {
      case 'set':
        this.data.set(write.key, { type: 'string', value: write.value });
        return;
      case 'del':
        this.data.delete(write.key);
        return;
      case 'hset':
        for (const [f, v] of Object.entries(write.fields)) this.hash(write.key).set(f, v);
        return;
      case 'hincrby': {
        const map = this.hash(write.key);
        map.set(write.field, String(Number(map.get(write.field) ?? '0') + write.by));
        return;
      }
      case 'hdel':
        for (const f of write.fields) this.hash(write.key).delete(f);
        return this.dropIfEmpty(write.key);
      case 'zadd':
        for (const { member, score } of write.members) this.zset(write.key).set(member, score);
        return;
      case 'zrem':
        for (const m of write.members) this.zset(write.key).delete(m);
        return this.dropIfEmpty(write.key);
      case 'sadd':
        for (const m of write.members) this.set(write.key).add(m);
        return;
      case 'srem':
        for (const m of write.members) this.set(write.key).delete(m);
        return this.dropIfEmpty(write.key);
      default:
        return assertNever(write);
    }
  }

  private hash(key: string): Map<string, string> {
    const v = this.data.get(key) ?? { type: 'hash', map: new Map<string, string>() };
    this.data.set(key, v);
    return (v as Extract<Value, { type: 'hash' }>).map;
  }

  private zset(key: string): Map<string, number> {
    const v = this.data.get(key) ?? { type: 'zset', map: new Map<string, number>() };
    this.data.set(key, v);
    return (v as Extract<Value, { type: 'zset' }>).map;
  }

  private set(key: string): Set<string> {
    const v = this.data.get(key) ?? { type: 'set', set: new Set<string>() };
    this.data.set(key, v);
    return (v as Extract<Value, { type: 'set' }>).set;
  }

  private dropIfEmpty(key: string): void {
    const v = this.data.get(key);
    const size = v === undefined || v.type === 'string' ? 1 : v.type === 'set' ? v.set.size : v.map.size;
    if (size === 0) this.data.delete(key);
  }
}

function bytewise(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}

function assertNever(value: never): never {
  throw new Error(`unhandled view write ${JSON.stringify(value)}`);
}
