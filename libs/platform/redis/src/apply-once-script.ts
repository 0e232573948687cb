import type { ViewWrite } from '@roost/ports';

/**
 * applyOnce in one Lua script, so Redis runs it atomically. It first walks the batch over the
 * key types it would produce and rejects any clash (Redis does not roll back a script that
 * fails halfway), then writes, then moves the checkpoint.
 * KEYS[1] = checkpoint key, KEYS[2..] = the batch's keys; ARGV[1] = sequence,
 * ARGV[2] = JSON [[command, keyIndex, [args...]], ...].
 */
export const APPLY_ONCE_LUA = `
local cp = redis.call('GET', KEYS[1])
if cp and tonumber(cp) >= tonumber(ARGV[1]) then return 0 end
local ops = cjson.decode(ARGV[2])
local need = { hset='hash', hincrby='hash', hdel='hash', zadd='zset', zrem='zset', sadd='set', srem='set' }
local types = {}
for _, op in ipairs(ops) do
  local cmd, key = op[1], KEYS[op[2]]
  local seen = types[key] ~= nil
  local before = types[key]
  if not seen then before = redis.call('TYPE', key).ok end
  local want = need[cmd]
  if want and before ~= 'none' and before ~= want then
    return redis.error_reply('INVALID_WRITE ' .. cmd .. ' on ' .. key .. ': the key holds a ' .. before)
  end
  if cmd == 'hincrby' and not seen then
    local v = redis.call('HGET', key, op[3][1])
    if v and not string.match(v, '^%-?%d+$') then
      return redis.error_reply('INVALID_WRITE hincrby on ' .. key .. ' ' .. op[3][1] .. ': the field holds no integer')
    end
  end
  if cmd == 'del' then types[key] = 'none'
  elseif cmd == 'set' then types[key] = 'string'
  elseif cmd == 'hdel' or cmd == 'zrem' or cmd == 'srem' then types[key] = before
  else types[key] = want end
end
for _, op in ipairs(ops) do
  redis.call(op[1], KEYS[op[2]], unpack(op[3]))
end
redis.call('SET', KEYS[1], ARGV[1])
return 1
`;

/** Lua's unpack() has a stack limit; long member lists go out as several commands. */
const MAX_ARGS_PER_COMMAND = 1_000;

export interface EncodedBatch {
  readonly keys: string[];
  readonly argv: [string, string];
}

export function encodeBatch(checkpointKey: string, sequence: number, writes: readonly ViewWrite[]): EncodedBatch {
  const keys = [checkpointKey];
  const index = new Map<string, number>();
  const ops: Array<[string, number, string[]]> = [];
  for (const write of writes) {
    let keyIndex = index.get(write.key);
    if (keyIndex === undefined) {
      keys.push(write.key);
      keyIndex = keys.length; // Lua arrays start at 1
      index.set(write.key, keyIndex);
    }
    addCommands(ops, keyIndex, write);
  }
  return { keys, argv: [String(sequence), JSON.stringify(ops)] };
}

/** Appends the commands of one write (built in place: a batch encodes thousands of them). */
function addCommands(ops: Array<[string, number, string[]]>, keyIndex: number, write: ViewWrite): void {
  switch (write.op) {
    case 'set':
      ops.push(['set', keyIndex, [write.value]]);
      return;
    case 'del':
      ops.push(['del', keyIndex, []]);
      return;
    case 'hset': {
      const args: string[] = [];
      for (const field in write.fields) args.push(field, write.fields[field] ?? '');
      return chunk(ops, keyIndex, 'hset', args, 2);
    }
    case 'hincrby':
      ops.push(['hincrby', keyIndex, [write.field, String(Math.trunc(write.by))]]);
      return;
    case 'hdel':
      return chunk(ops, keyIndex, 'hdel', [...write.fields], 1);
    case 'zadd': {
      const args: string[] = [];
      for (const member of write.members) args.push(formatScore(member.score), member.member);
      return chunk(ops, keyIndex, 'zadd', args, 2);
    }
    case 'zrem':
      return chunk(ops, keyIndex, 'zrem', [...write.members], 1);
    case 'sadd':
      return chunk(ops, keyIndex, 'sadd', [...write.members], 1);
    case 'srem':
      return chunk(ops, keyIndex, 'srem', [...write.members], 1);
    default:
      return assertNever(write);
  }
}

/** Splits args into commands of at most MAX_ARGS_PER_COMMAND, keeping groups of `width` together. */
function chunk(ops: Array<[string, number, string[]]>, keyIndex: number, command: string, args: string[], width: number): void {
  if (args.length <= MAX_ARGS_PER_COMMAND) {
    ops.push([command, keyIndex, args]);
    return;
  }
  const size = MAX_ARGS_PER_COMMAND - (MAX_ARGS_PER_COMMAND % width);
  for (let i = 0; i < args.length; i += size) ops.push([command, keyIndex, args.slice(i, i + size)]);
}

export function formatScore(score: number): string {
  if (score === Infinity) return '+inf';
  if (score === -Infinity) return '-inf';
  return String(score);
}

function assertNever(value: never): never {
  throw new Error(`unhandled view write ${JSON.stringify(value)}`);
}
