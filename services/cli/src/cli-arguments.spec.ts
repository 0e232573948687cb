import { parseServerError } from './admin-client';
import { globalOptions, onlyFlags, parseArguments } from './cli-arguments';
import { parsePlan } from './plan-spec';
import { bar, duration, table } from './render/table';

describe('cli arguments', () => {
  it('separates words from flags, switches and short forms', () => {
    const args = parseArguments(['rollout', 'start', '--group', 'production', '--watch', '-o', 'json', '--plan=2%:30s,100%']);
    expect(args.words).toEqual(['rollout', 'start']);
    expect(Object.fromEntries(args.flags)).toEqual({ group: 'production', watch: true, output: 'json', plan: '2%:30s,100%' });
  });

  it('takes the server and token from flags first, then ROOST_URL and ROOST_TOKEN', () => {
    expect(globalOptions(parseArguments([]), {})).toMatchObject({ server: 'http://127.0.0.1:8080', token: undefined, output: 'text' });
    expect(globalOptions(parseArguments([]), { ROOST_URL: 'http://roost:8080/', ROOST_TOKEN: 't' })).toMatchObject({ server: 'http://roost:8080', token: 't' });
    expect(globalOptions(parseArguments(['--token', 'x']), { ROOST_TOKEN: 't' }).token).toBe('x');
  });

  it('says what is wrong with a command line', () => {
    expect(() => parseArguments(['--group'])).toThrow('--group needs a value');
    expect(() => parseArguments(['--watch=yes'])).toThrow('--watch takes no value');
    expect(() => globalOptions(parseArguments(['-o', 'yaml']), {})).toThrow('--output must be text or json');
    expect(() => onlyFlags(parseArguments(['--grup', 'x']), ['group'], 'rollout start')).toThrow('rollout start has no option --grup');
  });
});

describe('plan syntax', () => {
  it('reads names, percentages, counts, windows and approvals', () => {
    expect(parsePlan('canary:2%:5m,10:30s,majority:50%:3m:approve,100%')).toEqual([
      { name: 'canary', percent: 2, windowMs: 300_000 },
      { count: 10, windowMs: 30_000 },
      { name: 'majority', percent: 50, windowMs: 180_000, requireApproval: true },
      { percent: 100 },
    ]);
  });

  it('refuses a phase without a size and a window without a unit', () => {
    expect(() => parsePlan('canary:5m')).toThrow('"5m" is not a size');
    expect(() => parsePlan('2%:5')).toThrow('"5" is not a duration');
  });
});

describe('server errors and rendering', () => {
  it('reads the error from the usual envelopes', () => {
    expect(parseServerError('{"error":{"code":"rollout.overlap","message":"overlaps r-1","details":{"rolloutId":"r-1"}}}', 'x')).toEqual({ code: 'rollout.overlap', message: 'overlaps r-1', details: { rolloutId: 'r-1' } });
    expect(parseServerError('{"code":"c","message":"m"}', 'x')).toMatchObject({ code: 'c', message: 'm' });
    expect(parseServerError('{"error":"bad"}', 'x').message).toBe('bad');
    expect(parseServerError('<html>', 'fallback').message).toBe('<html>');
    expect(parseServerError('', 'fallback').message).toBe('fallback');
  });

  it('aligns tables, draws bars and short durations', () => {
    expect(table(['group', 'agents'], [['production', 150], ['staging', 7]])).toBe('group       agents\nproduction     150\nstaging          7\n');
    expect(table(['a'], [])).toBe('(none)\n');
    expect(bar(5, 10, 10)).toBe('[#####-----]');
    expect(bar(0, 0, 4)).toBe('[----]');
    expect(duration(4_000)).toBe('4s');
    expect(duration(245_000)).toBe('4m05s');
  });
});
