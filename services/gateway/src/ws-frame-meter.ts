/**
 * Follows the frames of one client-to-server WebSocket byte stream (RFC 6455 §5.2) to tell how
 * many bytes of the message being received are held — what the `ws` receiver buffers until the
 * message is complete. It reads only frame headers; payloads are counted, never copied. A frame
 * the receiver will reject (a bad header) is counted like any other: the socket closes anyway.
 */
export class WsFrameMeter {
  /** Bytes received since the last complete message (headers included). */
  held = 0;
  /** Messages completed so far (a message still incomplete after a while is stalled). */
  messages = 0;
  private readonly header = new Uint8Array(14);
  private headerHave = 0;
  private headerNeed = 2;
  private payloadLeft = 0;
  private inPayload = false;
  /** A data message continues after the frame being read (a non-final fragment was seen). */
  private fragmented = false;

  /** Counts one chunk from the socket; returns the bytes held after it. */
  consume(chunk: Uint8Array): number {
    let i = 0;
    const n = chunk.length;
    while (i < n) {
      if (this.inPayload) {
        const take = Math.min(this.payloadLeft, n - i);
        i += take;
        this.held += take;
        this.payloadLeft -= take;
        if (this.payloadLeft === 0) this.endFrame();
        continue;
      }
      const take = Math.min(this.headerNeed - this.headerHave, n - i);
      for (let k = 0; k < take; k++) this.header[this.headerHave++] = chunk[i + k] as number;
      i += take;
      this.held += take;
      if (this.headerHave === 2) this.headerNeed = headerLength(this.header);
      if (this.headerHave < this.headerNeed) continue;
      this.payloadLeft = payloadLength(this.header);
      this.inPayload = true;
      if (this.payloadLeft === 0) this.endFrame();
    }
    return this.held;
  }

  private endFrame(): void {
    const first = this.header[0] as number;
    const control = (first & 0x08) !== 0;
    const fin = (first & 0x80) !== 0;
    if (!control) this.fragmented = !fin;
    if (!this.fragmented) {
      this.held = 0;
      this.messages++;
    }
    this.inPayload = false;
    this.headerHave = 0;
    this.headerNeed = 2;
  }
}

function headerLength(header: Uint8Array): number {
  const second = header[1] as number;
  const len7 = second & 0x7f;
  return 2 + (len7 === 126 ? 2 : len7 === 127 ? 8 : 0) + ((second & 0x80) !== 0 ? 4 : 0);
}

function payloadLength(header: Uint8Array): number {
  const len7 = (header[1] as number) & 0x7f;
  if (len7 === 126) return ((header[2] as number) << 8) | (header[3] as number);
  if (len7 < 126) return len7;
  let length = 0;
  for (let k = 2; k < 10; k++) length = length * 256 + (header[k] as number);
  return length;
}
