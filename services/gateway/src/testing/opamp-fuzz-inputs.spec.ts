import fc from 'fast-check';
import { encodeAgentToServer } from '@roost/opamp';
import { httpFuzzInput, httpVerdictOf, sampleInputs, wsFuzzInput, wsVerdictOf } from './opamp-fuzz-inputs';

const LIMIT = 16 * 1024;
const SEED = Number(process.env['FUZZ_SEED'] ?? Date.now() % 2 ** 31);

describe('generated OpAMP fuzz inputs', () => {
  beforeAll(() => process.stdout.write(`fuzz input classes: seed ${SEED} (FUZZ_SEED=${SEED} replays)\n`));

  it('are broken the way their class says: the OpAMP codec gives every WebSocket frame its verdict', () => {
    fc.assert(
      fc.property(wsFuzzInput(LIMIT, true), (input) => {
        // A message gets the sending socket's agent uid.
        const frame = 'frame' in input ? input.frame : Uint8Array.of(0x00, ...encodeAgentToServer({ ...input.message, instanceUid: new Uint8Array(16).fill(7) }));
        const verdict = typeof frame === 'string' ? 'dropped:non_binary_frame' : wsVerdictOf(frame, LIMIT);
        expect(verdict).toBe(input.verdict);
      }),
      { numRuns: 20_000, seed: SEED },
    );
  });

  it('give every plain-HTTP body of a protobuf class the status the codec says', () => {
    fc.assert(
      fc.property(httpFuzzInput(LIMIT), (input) => {
        if (input.kind !== 'bad_uid' && input.kind !== 'bad_protobuf' && input.kind !== 'mutated') return;
        expect(httpVerdictOf(input.body ?? new Uint8Array(0))).toEqual({ status: input.status, ...(input.badRequest ? { badRequest: true } : {}) });
      }),
      { numRuns: 20_000, seed: SEED },
    );
  });

  it('are the same for the same seed', () => {
    const first = sampleInputs(wsFuzzInput(LIMIT, false), 200, 42);
    expect(sampleInputs(wsFuzzInput(LIMIT, false), 200, 42)).toEqual(first);
    expect(sampleInputs(wsFuzzInput(LIMIT, false), 200, 43)).not.toEqual(first);
  });
});
