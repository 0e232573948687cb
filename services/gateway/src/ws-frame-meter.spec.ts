import { WsFrameMeter } from './ws-frame-meter';

/** A masked client frame header declaring `length` payload bytes. */
function header(length: number, options: { fin?: boolean; opcode?: number } = {}): Buffer {
  const first = ((options.fin ?? true) ? 0x80 : 0) | (options.opcode ?? 2);
  const mask = [1, 2, 3, 4];
  if (length < 126) return Buffer.from([first, 0x80 | length, ...mask]);
  if (length < 65536) return Buffer.from([first, 0x80 | 126, length >> 8, length & 255, ...mask]);
  const ext = Buffer.alloc(8);
  ext.writeBigUInt64BE(BigInt(length));
  return Buffer.concat([Buffer.from([first, 0x80 | 127]), ext, Buffer.from(mask)]);
}

describe('WsFrameMeter', () => {
  it('holds nothing after whole messages, whatever their length encoding', () => {
    const meter = new WsFrameMeter();
    for (const length of [0, 5, 125, 126, 300, 65535, 70_000]) {
      expect(meter.consume(Buffer.concat([header(length), Buffer.alloc(length)]))).toBe(0);
    }
    expect(meter.messages).toBe(7);
  });

  it('counts a large declared frame as it trickles in, header split across chunks', () => {
    const meter = new WsFrameMeter();
    const h = header(64 * 1024 * 1024);
    expect(meter.consume(h.subarray(0, 1))).toBe(1);
    expect(meter.consume(h.subarray(1, 5))).toBe(5);
    expect(meter.consume(h.subarray(5))).toBe(14);
    expect(meter.consume(Buffer.alloc(1000))).toBe(1014);
    expect(meter.consume(Buffer.alloc(1000))).toBe(2014);
    expect(meter.messages).toBe(0);
  });

  it('ends a message in the middle of a chunk and counts the next one from zero', () => {
    const meter = new WsFrameMeter();
    const chunk = Buffer.concat([header(10), Buffer.alloc(10), header(100), Buffer.alloc(40)]);
    expect(meter.consume(chunk)).toBe(6 + 40);
    expect(meter.messages).toBe(1);
  });

  it('holds every fragment until the final one, control frames in between included', () => {
    const meter = new WsFrameMeter();
    expect(meter.consume(Buffer.concat([header(100, { fin: false }), Buffer.alloc(100)]))).toBe(106);
    expect(meter.consume(Buffer.concat([header(2, { opcode: 9 }), Buffer.alloc(2)]))).toBe(114);
    expect(meter.consume(Buffer.concat([header(50, { fin: false, opcode: 0 }), Buffer.alloc(50)]))).toBe(170);
    expect(meter.consume(Buffer.concat([header(1, { opcode: 0 }), Buffer.alloc(1)]))).toBe(0);
    expect(meter.messages).toBe(1);
  });

  it('counts a ping between messages as nothing held', () => {
    const meter = new WsFrameMeter();
    expect(meter.consume(Buffer.concat([header(4, { opcode: 9 }), Buffer.alloc(4)]))).toBe(0);
  });
});
