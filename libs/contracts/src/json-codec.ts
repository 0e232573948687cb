import type { ZodType } from 'zod';

/** Raised when a message on a Roost subject or key is not what its contract says. */
export class ContractViolationError extends Error {
  readonly code = 'contract.violation';
  constructor(
    readonly contract: string,
    readonly reason: string,
  ) {
    super(`${contract}: ${reason}`);
    this.name = 'ContractViolationError';
  }
}

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: false });

/** A JSON wire contract: encode, and decode with validation that names what was wrong. */
export interface JsonContract<T> {
  readonly name: string;
  encode(value: T): Uint8Array;
  decode(bytes: Uint8Array): T;
}

export function jsonContract<T>(name: string, schema: ZodType<T>): JsonContract<T> {
  return {
    name,
    encode: (value) => encoder.encode(JSON.stringify(value)),
    decode: (bytes) => {
      let raw: unknown;
      try {
        raw = JSON.parse(decoder.decode(bytes));
      } catch {
        throw new ContractViolationError(name, 'not valid JSON');
      }
      const parsed = schema.safeParse(raw);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        const where = issue && issue.path.length > 0 ? issue.path.join('.') : '(root)';
        throw new ContractViolationError(name, `${where}: ${issue?.message ?? 'invalid'}`);
      }
      return parsed.data;
    },
  };
}
