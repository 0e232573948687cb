import type { ZodError, ZodType } from 'zod';
import { UnreadableEventError, unreadableEvent } from './event-versions';

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

/** The types and the schema version of a published event this version reads. */
export interface EventVersioning {
  readonly types: readonly string[];
  readonly schemaVersion: number;
}

/**
 * With `events`, decode first tells an event of a newer Roost (a type or a schema version this
 * one does not know) apart from a broken one: it throws UnreadableEventError for it.
 */
export function jsonContract<T>(name: string, schema: ZodType<T>, events?: EventVersioning): JsonContract<T> {
  const knownTypes: ReadonlySet<string> = new Set(events?.types ?? []);
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
      const unreadable = events ? unreadableEvent(raw, knownTypes, events.schemaVersion) : null;
      if (unreadable) throw new UnreadableEventError(name, unreadable);
      const parsed = schema.safeParse(raw);
      if (!parsed.success) throw new ContractViolationError(name, firstIssue(parsed.error));
      return parsed.data;
    },
  };
}

/** The first thing wrong with a value, as `path: message` (`(root)` when the value itself is). */
export function firstIssue(error: ZodError): string {
  const issue = error.issues[0];
  const where = issue && issue.path.length > 0 ? issue.path.join('.') : '(root)';
  return `${where}: ${issue?.message ?? 'invalid'}`;
}
