import Long from 'long';
import { availableComponentList } from './available-components';
import { mergeAgentStatus, needsAvailableComponents } from './merge-agent-status';

const tree = { components: { receivers: { subComponentMap: { otlp: {}, filelog: {} } }, processors: { subComponentMap: { batch: {} } } } };
const hashA = new Uint8Array([1, 2, 3]);
const hashB = new Uint8Array([4, 5, 6]);
const message = (sequenceNum: number, availableComponents?: { hash: Uint8Array; components?: typeof tree.components }) => ({
  instanceUid: new Uint8Array(16),
  sequenceNum: Long.fromNumber(sequenceNum, true),
  ...(availableComponents === undefined ? {} : { availableComponents }),
});

describe('available components', () => {
  it('lists kind/type from the collector layout, sorted; a message with only the hash lists nothing', () => {
    expect(availableComponentList(tree)).toEqual(['processors/batch', 'receivers/filelog', 'receivers/otlp']);
    expect(availableComponentList({ components: {} })).toBeNull();
    expect(availableComponentList({})).toBeNull();
  });

  it('keeps the list while the hash stays, forgets it for a new hash sent alone, and asks for the list only then', () => {
    const first = mergeAgentStatus(undefined, message(0, { hash: hashA }));
    expect(first.state.availableComponents).toBeNull();
    expect(needsAvailableComponents(message(0, { hash: hashA }), first.state)).toBe(true);

    const listed = mergeAgentStatus(first.state, message(1, { hash: hashA, components: tree.components }));
    expect(listed.state.availableComponents).toEqual(['processors/batch', 'receivers/filelog', 'receivers/otlp']);
    expect(listed.changes).toContain('availableComponents');

    const same = mergeAgentStatus(listed.state, message(2, { hash: hashA }));
    expect(same.state.availableComponents).toEqual(listed.state.availableComponents);
    expect(needsAvailableComponents(message(2, { hash: hashA }), same.state)).toBe(false);
    expect(mergeAgentStatus(same.state, message(3)).state.availableComponents).toEqual(listed.state.availableComponents);

    const changed = mergeAgentStatus(same.state, message(3, { hash: hashB }));
    expect(changed.state.availableComponents).toBeNull();
    expect(needsAvailableComponents(message(3, { hash: hashB }), changed.state)).toBe(true);
  });
});
