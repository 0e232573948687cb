import { PingGroups, pingGroupCount } from './ping-groups';

describe('PingGroups', () => {
  const peers = (count: number) => Array.from({ length: count }, (_, id) => ({ id }));

  it('visits every peer exactly once per round of turns, a group per turn', () => {
    const groups = new PingGroups<{ id: number }>(4);
    const all = peers(10);
    all.forEach((peer) => groups.add(peer));
    const turns = Array.from({ length: 4 }, () => groups.nextTurn().map((peer) => peer.id));
    expect(turns.map((turn) => turn.length)).toEqual([3, 3, 2, 2]);
    expect(turns.flat().sort((a, b) => a - b)).toEqual(all.map((peer) => peer.id));
    // the next round visits the same groups in the same order
    expect(groups.nextTurn().map((peer) => peer.id)).toEqual(turns[0]);
  });

  it('forgets a peer that left, and fills the emptiest group with a newcomer', () => {
    const groups = new PingGroups<{ id: number }>(2);
    const [a, b, c] = peers(3) as [{ id: number }, { id: number }, { id: number }];
    groups.add(a);
    groups.add(b);
    groups.delete(a);
    groups.add(c);
    expect([...groups.nextTurn(), ...groups.nextTurn()].map((peer) => peer.id).sort()).toEqual([1, 2]);
    groups.delete(c);
    groups.delete(c); // twice is harmless
    expect([...groups.nextTurn(), ...groups.nextTurn()].map((peer) => peer.id)).toEqual([1]);
  });

  it('uses one tick per 100 ms of the interval, between 1 and 30 groups', () => {
    expect(pingGroupCount(30_000)).toBe(30);
    expect(pingGroupCount(1_000)).toBe(10);
    expect(pingGroupCount(100)).toBe(1);
    expect(pingGroupCount(20)).toBe(1);
  });
});
