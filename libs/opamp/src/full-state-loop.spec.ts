import fc from 'fast-check';
import Long from 'long';
import type { AgentState } from './agent-state';
import { AgentCapability as Cap, hasCapability } from './capabilities';
import { mergeAgentStatus } from './merge-agent-status';
import type { AgentToServerInit } from './proto-types';

/**
 * A model client: what it has (it may never set health, or have no effective config), its
 * capabilities, and its sequence number. It answers ReportFullState with everything it has,
 * as opamp-go and the Elastic client do.
 */
interface Client {
  readonly capabilities: number;
  readonly hasDescription: boolean;
  readonly hasHealth: boolean;
  readonly hasEffectiveConfig: boolean;
  sequenceNum: Long;
}

type Event = 'heartbeat' | 'change' | 'lost' | 'gatewayRestart' | 'reconnect' | 'clientRestart';

const clientArbitrary = fc.record({
  capabilities: fc
    .subarray([Cap.AcceptsRemoteConfig, Cap.ReportsRemoteConfig, Cap.ReportsEffectiveConfig, Cap.ReportsHealth, Cap.ReportsHeartbeat])
    .map((bits) => bits.reduce((all, bit) => all | bit, Cap.ReportsStatus)),
  hasDescription: fc.boolean(),
  hasHealth: fc.boolean(),
  hasEffectiveConfig: fc.boolean(),
  start: fc.constantFrom(0, 1),
});

const eventsArbitrary = fc.array(fc.constantFrom<Event>('heartbeat', 'change', 'lost', 'gatewayRestart', 'reconnect', 'clientRestart'), {
  minLength: 1,
  maxLength: 40,
});

function everything(client: Client): AgentToServerInit {
  const promises = (bit: number) => hasCapability(client.capabilities, bit);
  return {
    ...compressed(client),
    agentDescription: client.hasDescription ? { identifyingAttributes: [{ key: 'service.name', value: { stringValue: 'c' } }] } : null,
    remoteConfigStatus: promises(Cap.ReportsRemoteConfig) ? { lastRemoteConfigHash: Uint8Array.of(1) } : null,
    effectiveConfig: promises(Cap.ReportsEffectiveConfig) && client.hasEffectiveConfig ? { configMap: { configMap: { '': { body: Uint8Array.of(0x78) } } } } : null,
    health: client.hasHealth ? { healthy: true } : null,
  };
}

function compressed(client: Client): AgentToServerInit {
  return { instanceUid: new Uint8Array(16), sequenceNum: client.sequenceNum, capabilities: Long.fromNumber(client.capabilities, true) };
}

describe('ReportFullState never loops', () => {
  it('never asks again a client that answered ReportFullState with everything it has, nor ever without a gap', () => {
    fc.assert(
      fc.property(clientArbitrary, eventsArbitrary, ({ start, ...traits }, events) => {
        const client: Client = { ...traits, sequenceNum: Long.fromNumber(start, true) };
        let state: AgentState | undefined;
        // a gap: the gateway does not know the agent, or missed a message of it
        let gap = true;
        const send = (message: AgentToServerInit) => {
          const result = mergeAgentStatus(state, message);
          if (!gap) expect(result.reportFullState).toBe(false);
          state = result.state;
          gap = false;
          client.sequenceNum = client.sequenceNum.add(1);
          return result.reportFullState;
        };
        let asked = send(everything(client));
        for (const event of events) {
          if (asked) {
            // the client answers at once with everything it has
            expect(send(everything(client))).toBe(false);
            // and the gateway now knows everything the client has
            expect(state!.description !== null).toBe(client.hasDescription);
            if (client.hasHealth) expect(state!.health).not.toBeNull();
          }
          asked = false;
          switch (event) {
            case 'heartbeat':
            case 'reconnect':
              asked = send(compressed(client));
              break;
            case 'change':
              asked = send({ ...compressed(client), health: { healthy: false } });
              break;
            case 'lost':
              client.sequenceNum = client.sequenceNum.add(1);
              gap = true;
              break;
            case 'gatewayRestart':
              state = undefined;
              gap = true;
              break;
            case 'clientRestart':
              client.sequenceNum = Long.UZERO;
              gap = true;
              asked = send(everything(client));
              break;
          }
        }
      }),
      { numRuns: 500 },
    );
  });

  it('does ask, after a lost gateway, a client whose reconnect message is compressed', () => {
    fc.assert(
      fc.property(clientArbitrary, fc.nat(1000), (traits, sequenceNum) => {
        const message = compressed({ ...traits, sequenceNum: Long.fromNumber(sequenceNum, true) });
        expect(mergeAgentStatus(undefined, message).reportFullState).toBe(true);
      }),
    );
  });

  it('never asks a message that carries full state', () => {
    fc.assert(
      fc.property(clientArbitrary, fc.boolean(), fc.nat(1000), (traits, known, sequenceNum) => {
        const client: Client = { ...traits, hasDescription: true, hasEffectiveConfig: true, sequenceNum: Long.fromNumber(sequenceNum, true) };
        const previous = known ? mergeAgentStatus(undefined, everything({ ...client, sequenceNum: Long.UZERO })).state : undefined;
        expect(mergeAgentStatus(previous, everything(client)).reportFullState).toBe(false);
      }),
    );
  });
});
