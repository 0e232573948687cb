import fc from 'fast-check';
import Long from 'long';
import {
  AgentCapability,
  ServerCapability,
  ServerToAgentFlag,
  agentCapabilityNames,
  bitSetToNumber,
  bitsOf,
  hasCapability,
  hasFlag,
  serverCapabilityNames,
  serverToAgentFlagNames,
} from './capabilities';
import { AgentCapabilities } from './proto-types';

describe('capability bits', () => {
  it('names every AgentCapabilities bit by its short name, without Unspecified', () => {
    expect(AgentCapability.AcceptsRemoteConfig).toBe(AgentCapabilities.AgentCapabilities_AcceptsRemoteConfig);
    expect(AgentCapability.ReportsConnectionSettingsStatus).toBe(0x8000);
    expect(Object.keys(AgentCapability)).toHaveLength(16);
    expect(Object.keys(AgentCapability)).not.toContain('Unspecified');
    expect(ServerCapability.AcceptsConnectionSettingsRequest).toBe(0x40);
    expect(ServerToAgentFlag.ReportAvailableComponents).toBe(0x2);
  });

  it('tests bits of numbers and of decoded Long values alike', () => {
    // given the Elastic client's usual set, as a number and as a Long
    const asNumber = 0x3003;
    const asLong = Long.fromNumber(0x3003, true);
    // then
    for (const caps of [asNumber, asLong]) {
      expect(hasCapability(caps, AgentCapability.AcceptsRemoteConfig)).toBe(true);
      expect(hasCapability(caps, AgentCapability.ReportsRemoteConfig)).toBe(true);
      expect(hasCapability(caps, AgentCapability.ReportsHealth)).toBe(false);
    }
    expect(hasFlag(null, ServerToAgentFlag.ReportFullState)).toBe(false);
    expect(hasFlag(undefined, 0)).toBe(false);
  });

  it('stays exact above 32 bits', () => {
    const high = Long.fromBits(0, 0x80000000, true).or(Long.fromNumber(0x2, true));
    expect(hasCapability(high, AgentCapability.AcceptsRemoteConfig)).toBe(true);
    expect(hasCapability(high, Long.fromBits(0, 0x80000000, true))).toBe(true);
    expect(hasCapability(2 ** 40 + 1, 2 ** 40)).toBe(true);
    expect(hasCapability(2 ** 40, 1)).toBe(false);
    expect(hasCapability(2 ** 32 + 0x80000000, 0x80000000)).toBe(true);
    expect(hasCapability(0xffffffff, 0xffffffff)).toBe(true);
    expect(hasCapability(0x7fffffff, 0xffffffff)).toBe(false);
    expect(hasCapability(2 ** 52 + 3, 2)).toBe(true);
  });

  it('finds every bit of a union in the union', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...Object.values(AgentCapability)), { maxLength: 8 }), (bits) => {
        const union = bitsOf(...bits);
        for (const bit of bits) expect(hasCapability(union, bit)).toBe(true);
        expect(bitSetToNumber(union)).toBe(bits.reduce((sum, bit) => sum | bit, 0));
      }),
    );
  });

  it('converts to a number exactly up to 2^53 - 1 and drops higher bits', () => {
    fc.assert(
      fc.property(fc.maxSafeNat(), (n) => {
        expect(bitSetToNumber(Long.fromNumber(n, true))).toBe(n);
      }),
    );
    expect(bitSetToNumber(Long.MAX_UNSIGNED_VALUE)).toBe(Number.MAX_SAFE_INTEGER);
  });

  it('gives readable names for logs, unknown bits in hex', () => {
    expect(agentCapabilityNames(0x3003)).toEqual(['ReportsStatus', 'AcceptsRemoteConfig', 'ReportsRemoteConfig', 'ReportsHeartbeat']);
    expect(agentCapabilityNames(Long.fromBits(1, 0x100, true))).toEqual(['ReportsStatus', '0x10000000000']);
    expect(serverCapabilityNames(0x7)).toEqual(['AcceptsStatus', 'OffersRemoteConfig', 'AcceptsEffectiveConfig']);
    expect(serverToAgentFlagNames(0)).toEqual([]);
  });
});
