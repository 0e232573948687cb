import { configsCell } from './fleet-commands';

const hash = (n: number) => String(n).repeat(64).slice(0, 64);

describe('configsCell (roost groups)', () => {
  it('given up to three configs, shows each with its agent count, most common first', () => {
    expect(configsCell({ [hash(1)]: 1, [hash(2)]: 4, none: 2 })).toBe(`${hash(2).slice(0, 12)}×4 none×2 ${hash(1).slice(0, 12)}×1`);
  });

  it('given five configs of one agent each (five supervised collectors on one config), says how many more there are instead of dropping them', () => {
    const five = Object.fromEntries([1, 2, 3, 4, 5].map((n) => [hash(n), 1]));
    expect(configsCell(five)).toBe(`${hash(1).slice(0, 12)}×1 ${hash(2).slice(0, 12)}×1 ${hash(3).slice(0, 12)}×1 +2 more (2 agents)`);
  });

  it('given none, is empty', () => {
    expect(configsCell({})).toBe('');
  });

  it('given labels for stored configs, shows name@version for those and the short hash for the others', () => {
    expect(configsCell({ [hash(1)]: 5, [hash(2)]: 1 }, new Map([[hash(1), 'otel-base@2']]))).toBe(`otel-base@2×5 ${hash(2).slice(0, 12)}×1`);
  });
});
