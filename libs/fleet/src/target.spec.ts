import { AGENT_CAPABILITY, defaultGroupOf, describeTarget, hasCapability, matchesTarget, parseSelector } from './index';

describe('targets', () => {
  const prod = { identifying: { 'service.environment': 'production' }, nonIdentifying: {} };
  const labelledOnly = { identifying: {}, nonIdentifying: { 'service.environment': 'production' } };

  it('takes an agent default group from its service.environment identifying attribute', () => {
    expect(defaultGroupOf(prod)).toBe('production');
    expect(defaultGroupOf(labelledOnly)).toBeNull();
  });

  it('matches a group target only on the identifying attribute', () => {
    const target = { kind: 'group', group: 'production' } as const;
    expect(matchesTarget(target, prod)).toBe(true);
    expect(matchesTarget(target, labelledOnly)).toBe(false);
  });

  it('matches a selector target over both kinds of attributes and describes it canonically', () => {
    const parsed = parseSelector('service.environment = production');
    if (!parsed.ok) throw new Error(parsed.error.message);
    const target = { kind: 'selector', selector: parsed.selector } as const;
    expect(matchesTarget(target, labelledOnly)).toBe(true);
    expect(describeTarget(target)).toBe('selector service.environment=production');
    expect(describeTarget({ kind: 'group', group: 'staging' })).toBe('group staging');
  });
});

describe('capabilities', () => {
  it('tests bits correctly even when higher bits above 32 are set', () => {
    const caps = 2 ** 40 + AGENT_CAPABILITY.AcceptsRemoteConfig + AGENT_CAPABILITY.ReportsHealth;
    expect(hasCapability(caps, 'AcceptsRemoteConfig')).toBe(true);
    expect(hasCapability(caps, 'ReportsHealth')).toBe(true);
    expect(hasCapability(caps, 'ReportsRemoteConfig')).toBe(false);
  });
});
