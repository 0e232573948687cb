import Long from 'long';
import { AgentCapabilities, AgentToServerFlags, ServerCapabilities, ServerToAgentFlags } from './proto-types';

/**
 * Bit-set helpers for the uint64 `capabilities` and `flags` fields. The enums only name bits
 * (the fields are plain uint64 since spec v0.6.0); decoded values are Long, hand-built ones
 * often numbers, so every helper takes both and stays exact above 32 bits, where
 * JavaScript's `&` would truncate.
 */
export type BitSet = number | Long | null | undefined;

type ShortNames<E, P extends string> = {
  readonly [K in keyof E as K extends `${P}Unspecified` ? never : K extends `${P}${infer Name}` ? Name : never]: E[K];
};

function shortNames<E extends object, P extends string>(enumObject: E, prefix: P): ShortNames<E, P> {
  const entries = Object.entries(enumObject)
    .filter(([name, value]) => typeof value === 'number' && value !== 0 && name.startsWith(prefix))
    .map(([name, value]) => [name.slice(prefix.length), value]);
  return Object.freeze(Object.fromEntries(entries)) as ShortNames<E, P>;
}

/** AgentCapabilities bits by short name, e.g. `AgentCapability.AcceptsRemoteConfig` (0x2). */
export const AgentCapability = shortNames(AgentCapabilities, 'AgentCapabilities_');
/** ServerCapabilities bits by short name, e.g. `ServerCapability.OffersRemoteConfig`. */
export const ServerCapability = shortNames(ServerCapabilities, 'ServerCapabilities_');
/** AgentToServerFlags bits by short name, e.g. `AgentToServerFlag.RequestInstanceUid`. */
export const AgentToServerFlag = shortNames(AgentToServerFlags, 'AgentToServerFlags_');
/** ServerToAgentFlags bits by short name, e.g. `ServerToAgentFlag.ReportFullState`. */
export const ServerToAgentFlag = shortNames(ServerToAgentFlags, 'ServerToAgentFlags_');

/** The value as an unsigned Long (absent = 0). */
export function toBitSetLong(bits: BitSet): Long {
  if (bits === null || bits === undefined) return Long.UZERO;
  return Long.isLong(bits) ? bits.toUnsigned() : Long.fromNumber(bits, true);
}

/** True when every bit of `bit` is set in `bits`. */
export function hasBits(bits: BitSet, bit: number | Long): boolean {
  // Checked on every message: plain numbers with a low-word mask need no Long (>>> 0 keeps the
  // low 32 bits of any non-negative integer up to 2^53 exactly).
  if (typeof bit === 'number' && bit > 0 && bit <= 0xffffffff && Number.isInteger(bit)) {
    if (bits === null || bits === undefined) return false;
    if (typeof bits === 'number' && bits >= 0 && Number.isInteger(bits)) return ((bits >>> 0) & bit) >>> 0 === bit;
  }
  const mask = toBitSetLong(bit);
  return !mask.isZero() && toBitSetLong(bits).and(mask).equals(mask);
}

/** `hasCapability(agent.capabilities, AgentCapability.AcceptsRemoteConfig)`. */
export const hasCapability: (capabilities: BitSet, capability: number | Long) => boolean = hasBits;
/** `hasFlag(response.flags, ServerToAgentFlag.ReportFullState)`. */
export const hasFlag: (flags: BitSet, flag: number | Long) => boolean = hasBits;

/** The union of the given bits, as the generated code wants a uint64 field. */
export function bitsOf(...bits: readonly (number | Long)[]): Long {
  return bits.reduce<Long>((union, bit) => union.or(toBitSetLong(bit)), Long.UZERO);
}

/**
 * The value as a JavaScript number for snapshots and JSON. Bits above 52 are dropped: no
 * OpAMP version defines one, and a number cannot hold them exactly.
 */
export function bitSetToNumber(bits: BitSet): number {
  const long = toBitSetLong(bits);
  return (long.high & 0x1fffff) * 0x100000000 + (long.low >>> 0);
}

/** Readable names for logs, e.g. ["ReportsStatus", "AcceptsRemoteConfig", "0x20000"]. */
export function agentCapabilityNames(capabilities: BitSet): string[] {
  return bitNames(capabilities, AgentCapability);
}

export function serverCapabilityNames(capabilities: BitSet): string[] {
  return bitNames(capabilities, ServerCapability);
}

export function agentToServerFlagNames(flags: BitSet): string[] {
  return bitNames(flags, AgentToServerFlag);
}

export function serverToAgentFlagNames(flags: BitSet): string[] {
  return bitNames(flags, ServerToAgentFlag);
}

/** Named bits in ascending order; bits without a name appear as hex. */
function bitNames(bits: BitSet, names: object): string[] {
  const value = toBitSetLong(bits);
  const result: string[] = [];
  let known = Long.UZERO;
  for (const [name, bit] of Object.entries(names) as [string, number][]) {
    known = known.or(Long.fromNumber(bit, true));
    if (hasBits(value, bit)) result.push(name);
  }
  const unknown = value.and(known.not());
  for (let index = 0; index < 64; index += 1) {
    const bit = Long.UONE.shiftLeft(index);
    if (!unknown.and(bit).isZero()) result.push(`0x${bit.toString(16)}`);
  }
  return result;
}
