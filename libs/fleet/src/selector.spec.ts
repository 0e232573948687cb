import fc from 'fast-check';
import { formatSelector, matchesSelector, parseSelector, type Selector } from './index';

const agent = (identifying: Record<string, string>, nonIdentifying: Record<string, string> = {}) => ({ identifying, nonIdentifying });

function parsed(text: string): Selector {
  const result = parseSelector(text);
  if (!result.ok) throw new Error(`expected ${text} to parse: ${result.error.message}`);
  return result.selector;
}

describe('parseSelector', () => {
  it('parses equality, set membership, existence and negation into requirements', () => {
    expect(parsed('service.environment=prod,cloud.region in (eu,us),!canary').requirements).toEqual([
      { op: 'equals', key: 'service.environment', value: 'prod' },
      { op: 'in', key: 'cloud.region', values: ['eu', 'us'] },
      { op: 'not_exists', key: 'canary' },
    ]);
    expect(parsed('a==1, b != 2 ,c notin (x, "y z"), d').requirements).toEqual([
      { op: 'equals', key: 'a', value: '1' },
      { op: 'not_equals', key: 'b', value: '2' },
      { op: 'not_in', key: 'c', values: ['x', 'y z'] },
      { op: 'exists', key: 'd' },
    ]);
  });

  it.each([
    ['', 'selector.empty'],
    ['   ', 'selector.empty'],
    ['a=', 'selector.unexpected_end'],
    ['a in ()', 'selector.empty_set'],
    ['a in (x', 'selector.unexpected_end'],
    ['a in x', 'selector.unexpected_token'],
    ['a b', 'selector.unexpected_token'],
    ['a=1,', 'selector.unexpected_end'],
    ['=1', 'selector.unexpected_token'],
    ['a=1;b=2', 'selector.invalid_character'],
    ['a="open', 'selector.invalid_string'],
    ['!', 'selector.unexpected_end'],
  ])('refuses %j with %s', (text, code) => {
    const result = parseSelector(text);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.code).toBe(code);
  });

  it('points at the offending token', () => {
    const result = parseSelector('a=1,b c');
    expect(result).toEqual({
      ok: false,
      error: { code: 'selector.unexpected_token', position: 6, message: "expected '=', '!=', 'in', 'notin', ',' or the end of the selector, found 'c' (at offset 6)" },
    });
  });
});

describe('matchesSelector', () => {
  const prodEu = agent({ 'service.environment': 'prod' }, { 'cloud.region': 'eu', canary: 'true' });
  const prodUs = agent({ 'service.environment': 'prod' }, { 'cloud.region': 'us' });
  const staging = agent({ 'service.environment': 'staging' }, { 'cloud.region': 'ap' });

  it('matches over identifying and non-identifying attributes together', () => {
    const selector = parsed('service.environment=prod,cloud.region in (eu,us),!canary');
    expect([prodEu, prodUs, staging].map((a) => matchesSelector(selector, a))).toEqual([false, true, false]);
  });

  it('lets negated requirements match agents that lack the key', () => {
    expect(matchesSelector(parsed('cloud.zone!=a'), prodUs)).toBe(true);
    expect(matchesSelector(parsed('cloud.zone notin (a)'), prodUs)).toBe(true);
    expect(matchesSelector(parsed('cloud.zone in (a)'), prodUs)).toBe(false);
  });

  it('prefers the identifying attribute when both kinds carry the key', () => {
    const both = agent({ role: 'gateway' }, { role: 'agent' });
    expect(matchesSelector(parsed('role=gateway'), both)).toBe(true);
    expect(matchesSelector(parsed('role=agent'), both)).toBe(false);
  });
});

describe('formatSelector', () => {
  const key = fc.stringMatching(/^[a-z][a-z0-9._/-]{0,8}$/);
  const value = fc.string({ maxLength: 6 });
  const requirement = fc.oneof(
    fc.record({ op: fc.constant('equals' as const), key, value }),
    fc.record({ op: fc.constant('not_equals' as const), key, value }),
    fc.record({ op: fc.constant('in' as const), key, values: fc.array(value, { minLength: 1, maxLength: 3 }) }),
    fc.record({ op: fc.constant('not_in' as const), key, values: fc.array(value, { minLength: 1, maxLength: 3 }) }),
    fc.record({ op: fc.constant('exists' as const), key }),
    fc.record({ op: fc.constant('not_exists' as const), key }),
  );

  it('round-trips every selector through its canonical text', () => {
    fc.assert(
      fc.property(fc.array(requirement, { minLength: 1, maxLength: 4 }), (requirements) => {
        const selector: Selector = { requirements };
        expect(parseSelector(formatSelector(selector))).toEqual({ ok: true, selector });
      }),
      { numRuns: 300 },
    );
  });
});
