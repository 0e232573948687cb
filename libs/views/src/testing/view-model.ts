import type { ScoredMember, ViewWrite } from '@roost/ports';
import type { FragmentReader, FragmentRef } from '../fragments';

/**
 * A plain-map stand-in for the view store in the pure specs: applies ViewWrites with Redis
 * semantics (empty collections vanish) and answers fragment reads. The real stores are tested
 * against the same writes in the projector's integration tests.
 */
export class ViewModel implements FragmentReader {
  readonly strings = new Map<string, string>();
  readonly hashes = new Map<string, Map<string, string>>();
  readonly zsets = new Map<string, Map<string, number>>();

  apply(writes: readonly ViewWrite[]): void {
    for (const write of writes) this.applyOne(write);
  }

  read(ref: FragmentRef): string | null {
    return ref.field === undefined ? (this.strings.get(ref.key) ?? null) : (this.hashes.get(ref.key)?.get(ref.field) ?? null);
  }

  readJson<T>(ref: FragmentRef): T | null {
    const text = this.read(ref);
    return text === null ? null : (JSON.parse(text) as T);
  }

  hgetall(key: string): Record<string, string> {
    return Object.fromEntries(this.hashes.get(key) ?? []);
  }

  zrange(key: string): ScoredMember[] {
    return [...(this.zsets.get(key) ?? [])]
      .map(([member, score]) => ({ member, score }))
      .sort((a, b) => a.score - b.score || (a.member < b.member ? -1 : a.member > b.member ? 1 : 0));
  }

  keys(): string[] {
    return [...this.strings.keys(), ...this.hashes.keys(), ...this.zsets.keys()].sort();
  }

  private applyOne(write: ViewWrite): void {
    switch (write.op) {
      case 'set':
        this.strings.set(write.key, write.value);
        return;
      case 'del':
        this.strings.delete(write.key);
        this.hashes.delete(write.key);
        this.zsets.delete(write.key);
        return;
      case 'hset': {
        const hash = this.hashes.get(write.key) ?? new Map<string, string>();
        for (const [field, value] of Object.entries(write.fields)) hash.set(field, value);
        if (hash.size > 0) this.hashes.set(write.key, hash);
        return;
      }
      case 'hincrby': {
        const hash = this.hashes.get(write.key) ?? new Map<string, string>();
        hash.set(write.field, String(Number(hash.get(write.field) ?? '0') + write.by));
        this.hashes.set(write.key, hash);
        return;
      }
      case 'hdel': {
        const hash = this.hashes.get(write.key);
        for (const field of write.fields) hash?.delete(field);
        if (hash?.size === 0) this.hashes.delete(write.key);
        return;
      }
      case 'zadd': {
        const zset = this.zsets.get(write.key) ?? new Map<string, number>();
        for (const { member, score } of write.members) zset.set(member, score);
        if (zset.size > 0) this.zsets.set(write.key, zset);
        return;
      }
      case 'zrem': {
        const zset = this.zsets.get(write.key);
        for (const member of write.members) zset?.delete(member);
        if (zset?.size === 0) this.zsets.delete(write.key);
        return;
      }
      case 'sadd':
      case 'srem':
        throw new Error(`the projections write no sets (${write.op} ${write.key})`);
    }
  }
}
