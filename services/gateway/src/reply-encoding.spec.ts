import Long from 'long';
import { ServerToAgent, decodeServerToAgent, decodeWsFrame, encodeServerToAgent, isOpampError, type ServerToAgentInit } from '@roost/opamp';
import { encodeReply, encodeReplyFrame, plainReplyFrame, preEncodeRemoteConfig } from './reply-encoding';

const remoteConfig = {
  config: { configMap: { '': { body: new TextEncoder().encode('receivers: {}\n'.repeat(100)), contentType: 'text/yaml' } } },
  configHash: new Uint8Array(32).fill(7),
};
preEncodeRemoteConfig(remoteConfig);

const message = (uid: number): ServerToAgentInit => ({
  instanceUid: new Uint8Array(16).fill(uid),
  capabilities: Long.fromNumber(3, true),
  flags: Long.fromNumber(1, true),
  remoteConfig,
});

describe('encodeReply', () => {
  it('appends the config encoded once and decodes exactly like a message encoded in one go', () => {
    for (const uid of [1, 2]) {
      const shared = encodeReply(message(uid), { maxMessageBytes: 1 << 20 });
      const whole = encodeServerToAgent(message(uid));
      expect(shared.length).toBe(whole.length);
      expect(ServerToAgent.toObject(decodeServerToAgent(shared))).toEqual(ServerToAgent.toObject(decodeServerToAgent(whole)));
    }
  });

  it('raises the library\'s coded error when the whole reply is over the limit', () => {
    let caught: unknown;
    try {
      encodeReply(message(1), { maxMessageBytes: 200 });
    } catch (error) {
      caught = error;
    }
    expect(isOpampError(caught) && caught.code).toBe('opamp.message.too_large');
  });
});

describe('encodeReplyFrame', () => {
  it('is the OpAMP header followed by the reply, with or without a shared config', () => {
    const bare: ServerToAgentInit = { instanceUid: new Uint8Array(16).fill(3), capabilities: Long.fromNumber(3, true) };
    for (const reply of [bare, message(4)]) {
      const { data, legacy } = decodeWsFrame(encodeReplyFrame(reply, { maxMessageBytes: 1 << 20 }));
      const whole = encodeServerToAgent(reply);
      expect(legacy).toBe(false);
      expect(data.length).toBe(whole.length);
      expect(ServerToAgent.toObject(decodeServerToAgent(data))).toEqual(ServerToAgent.toObject(decodeServerToAgent(whole)));
    }
  });

  it('raises the library\'s coded error when the reply is over the limit', () => {
    let caught: unknown;
    try {
      encodeReplyFrame(message(1), { maxMessageBytes: 200 });
    } catch (error) {
      caught = error;
    }
    expect(isOpampError(caught) && caught.code).toBe('opamp.message.too_large');
  });
});

describe('plainReplyFrame', () => {
  const limit = { maxMessageBytes: 1 << 20 };
  const plain = (uid: number, capabilities = 3): ServerToAgentInit => ({ instanceUid: new Uint8Array(16).fill(uid), capabilities: Long.fromNumber(capabilities, true) });

  it('encodes a plain reply once per agent and capabilities, and sends the same frame again', () => {
    const first = plainReplyFrame(null, plain(1), limit);
    expect(first.frame.equals(encodeReplyFrame(plain(1), limit))).toBe(true);
    const again = plainReplyFrame(first.held, plain(1), limit);
    expect(again.frame).toBe(first.frame);
    const otherCapabilities = plainReplyFrame(again.held, plain(1, 7), limit);
    expect(otherCapabilities.frame).not.toBe(first.frame);
    expect(otherCapabilities.frame.equals(encodeReplyFrame(plain(1, 7), limit))).toBe(true);
    expect(plainReplyFrame(otherCapabilities.held, plain(2, 7), limit).frame.equals(encodeReplyFrame(plain(2, 7), limit))).toBe(true);
  });

  it('encodes any other reply afresh and keeps what it held', () => {
    const first = plainReplyFrame(null, plain(1), limit);
    const withFlags = plainReplyFrame(first.held, { ...plain(1), flags: Long.fromNumber(1, true) }, limit);
    expect(withFlags.held).toBe(first.held);
    expect(decodeServerToAgent(decodeWsFrame(withFlags.frame).data).flags.toNumber()).toBe(1);
  });
});
