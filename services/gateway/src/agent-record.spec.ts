import { latestDesired, type AgentRecord } from './agent-record';

const A = 'a'.repeat(64);
const B = 'b'.repeat(64);
const holding = (desiredHash: string | null | undefined, desiredRevision: number): AgentRecord => ({ desiredHash, desiredRevision }) as AgentRecord;

describe('latestDesired', () => {
  it('takes the first entry seen, even "no entry"', () => {
    expect(latestDesired(undefined, { hash: A, revision: 3 })).toEqual({ desiredHash: A, desiredRevision: 3 });
    expect(latestDesired(holding(undefined, 0), { hash: null, revision: 0 })).toEqual({ desiredHash: null, desiredRevision: 0 });
  });

  it('keeps what it holds when nothing new is seen', () => {
    expect(latestDesired(holding(A, 3), undefined)).toEqual({ desiredHash: A, desiredRevision: 3 });
    expect(latestDesired(undefined, undefined)).toEqual({ desiredHash: undefined, desiredRevision: 0 });
  });

  it('takes a newer revision and the same one again, and ignores an older one whatever order they came in', () => {
    expect(latestDesired(holding(A, 3), { hash: B, revision: 5 })).toEqual({ desiredHash: B, desiredRevision: 5 });
    expect(latestDesired(holding(B, 5), { hash: B, revision: 5 })).toEqual({ desiredHash: B, desiredRevision: 5 });
    expect(latestDesired(holding(B, 5), { hash: A, revision: 3 })).toEqual({ desiredHash: B, desiredRevision: 5 });
  });

  it('does not let a read that found no entry undo a known one', () => {
    expect(latestDesired(holding(A, 3), { hash: null, revision: 0 })).toEqual({ desiredHash: A, desiredRevision: 3 });
  });
});
