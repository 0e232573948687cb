import type { ScoredMember, ViewWrite } from '@roost/ports';

type FieldEffect = { kind: 'incr'; by: number } | { kind: 'set'; value: string } | { kind: 'del' };
type MemberEffect = { kind: 'add'; score: number } | { kind: 'rem' };

interface KeyPlan {
  readonly key: string;
  readonly writes: ViewWrite[];
  /** Null once a write appears that is not folded (a del, set, set op, or a counter over a non-integer). */
  hash: Map<string, FieldEffect> | null;
  zset: Map<string, MemberEffect> | null;
}

const INTEGER = /^-?\d+$/;

/**
 * The same change as `writes` in fewer commands: per key, the hash writes fold into one hset,
 * one hdel and one hincrby per counter, and the sorted-set writes into one zrem and one zadd.
 * Keys are independent, so only each key's own order matters, and folding keeps every field's
 * and member's final value exactly (a counter that nets to 0 still writes its field, as the
 * separate HINCRBYs would). A key with any other kind of write is left as written.
 */
export function compactWrites(writes: readonly ViewWrite[]): ViewWrite[] {
  const byKey = new Map<string, ViewWrite[]>();
  for (const write of writes) {
    const own = byKey.get(write.key);
    if (own === undefined) byKey.set(write.key, [write]);
    else own.push(write);
  }
  const out: ViewWrite[] = [];
  for (const [key, own] of byKey) {
    // Most keys of a batch (an agent's detail, say) see one write: nothing to fold.
    const [only] = own;
    if (own.length === 1 && only !== undefined) out.push(only);
    else for (const write of compactKey(key, own)) out.push(write);
  }
  return out;
}

function compactKey(key: string, writes: readonly ViewWrite[]): ViewWrite[] {
  const plan: KeyPlan = { key, writes: [...writes], hash: new Map(), zset: new Map() };
  for (const write of writes) fold(plan, write);
  return emit(plan);
}

function fold(plan: KeyPlan, write: ViewWrite): void {
  if (write.op === 'hset' || write.op === 'hincrby' || write.op === 'hdel') {
    plan.zset = null;
    if (plan.hash !== null && !foldHash(plan.hash, write)) plan.hash = null;
    return;
  }
  if (write.op === 'zadd' || write.op === 'zrem') {
    plan.hash = null;
    if (plan.zset !== null) foldZset(plan.zset, write);
    return;
  }
  plan.hash = null;
  plan.zset = null;
}

function foldHash(hash: Map<string, FieldEffect>, write: Extract<ViewWrite, { op: 'hset' | 'hincrby' | 'hdel' }>): boolean {
  switch (write.op) {
    case 'hset':
      for (const [field, value] of Object.entries(write.fields)) hash.set(field, { kind: 'set', value });
      return true;
    case 'hdel':
      for (const field of write.fields) hash.set(field, { kind: 'del' });
      return true;
    case 'hincrby': {
      const before = hash.get(write.field);
      if (before === undefined) hash.set(write.field, { kind: 'incr', by: write.by });
      else if (before.kind === 'incr') hash.set(write.field, { kind: 'incr', by: before.by + write.by });
      else if (before.kind === 'del') hash.set(write.field, { kind: 'set', value: String(write.by) });
      else if (INTEGER.test(before.value)) hash.set(write.field, { kind: 'set', value: String(Number(before.value) + write.by) });
      else return false;
      return true;
    }
  }
}

function foldZset(zset: Map<string, MemberEffect>, write: Extract<ViewWrite, { op: 'zadd' | 'zrem' }>): void {
  if (write.op === 'zadd') for (const { member, score } of write.members) zset.set(member, { kind: 'add', score });
  else for (const member of write.members) zset.set(member, { kind: 'rem' });
}

function emit(plan: KeyPlan): ViewWrite[] {
  const { key } = plan;
  if (plan.hash !== null && plan.hash.size > 0) {
    const set: Record<string, string> = {};
    const del: string[] = [];
    const out: ViewWrite[] = [];
    for (const [field, effect] of plan.hash) {
      if (effect.kind === 'set') set[field] = effect.value;
      else if (effect.kind === 'del') del.push(field);
      else out.push({ op: 'hincrby', key, field, by: effect.by });
    }
    if (del.length > 0) out.unshift({ op: 'hdel', key, fields: del });
    if (Object.keys(set).length > 0) out.unshift({ op: 'hset', key, fields: set });
    return out;
  }
  if (plan.zset !== null && plan.zset.size > 0) {
    const add: ScoredMember[] = [];
    const rem: string[] = [];
    for (const [member, effect] of plan.zset) {
      if (effect.kind === 'add') add.push({ member, score: effect.score });
      else rem.push(member);
    }
    const out: ViewWrite[] = [];
    if (rem.length > 0) out.push({ op: 'zrem', key, members: rem });
    if (add.length > 0) out.push({ op: 'zadd', key, members: add });
    return out;
  }
  return plan.writes;
}
