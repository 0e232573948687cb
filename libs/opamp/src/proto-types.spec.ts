import Long from 'long';
import { AgentCapabilities, AgentToServer, ComponentHealth, ServerToAgent } from './proto-types';

describe('generated OpAMP types', () => {
  it('round-trips an AgentToServer with 64-bit fields as Long values', () => {
    // given
    const nanos = Long.fromString('18446744073709551615', true);
    const message = AgentToServer.create({
      instanceUid: new Uint8Array(16).fill(7),
      sequenceNum: Long.fromNumber(42, true),
      capabilities: Long.fromNumber(AgentCapabilities.AgentCapabilities_ReportsHealth, true),
      health: { healthy: true, startTimeUnixNano: nanos, componentHealthMap: { otlp: { healthy: false, lastError: 'down' } } },
    });
    // when
    const decoded = AgentToServer.decode(AgentToServer.encode(message).finish());
    // then
    expect(Long.isLong(decoded.sequenceNum)).toBe(true);
    expect(decoded.sequenceNum.toString()).toBe('42');
    expect(decoded.capabilities.toNumber()).toBe(0x800);
    expect((decoded.health as ComponentHealth).startTimeUnixNano.toString()).toBe('18446744073709551615');
    expect(decoded.health?.componentHealthMap?.['otlp']?.lastError).toBe('down');
  });

  it('encodes an empty ServerToAgent as zero bytes', () => {
    expect(ServerToAgent.encode(ServerToAgent.create()).finish()).toHaveLength(0);
  });
});
