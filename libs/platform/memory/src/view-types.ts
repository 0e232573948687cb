import type { ScoredMember, ViewWriteOp } from '@roost/ports';

export type ValueType = 'string' | 'hash' | 'zset' | 'set';

/** The type a write needs its key to hold (or be absent); undefined when any type will do. */
export function typeOfWrite(op: ViewWriteOp): ValueType | undefined {
  switch (op) {
    case 'set':
    case 'del':
      return undefined;
    case 'hset':
    case 'hincrby':
    case 'hdel':
      return 'hash';
    case 'zadd':
    case 'zrem':
      return 'zset';
    case 'sadd':
    case 'srem':
      return 'set';
  }
}

/** The key's type after the write, as far as type checks of later writes care. */
export function typeAfter(op: ViewWriteOp, before: ValueType | 'none'): ValueType | 'none' {
  if (op === 'del') return 'none';
  if (op === 'set') return 'string';
  if (op === 'hdel' || op === 'zrem' || op === 'srem') return before;
  return typeOfWrite(op) ?? before;
}

/** Redis order: by score, ties by member compared bytewise. */
export function sortZset(map: ReadonlyMap<string, number>): ScoredMember[] {
  return [...map]
    .map(([member, score]) => ({ member, score }))
    .sort((a, b) => a.score - b.score || Buffer.compare(Buffer.from(a.member), Buffer.from(b.member)));
}
