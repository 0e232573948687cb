import { agentEventText } from './agent-event-text';
import type { AgentEvent } from './api-types';

const names: Record<string, string> = { ['a'.repeat(64)]: 'otel@2' };
const configName = (hash: string): string => names[hash] ?? hash.slice(0, 12);
const event = (fields: Partial<AgentEvent>): AgentEvent => ({ n: 1, id: 'gw-1.1.1', type: 'connected', changes: ['connected'], at: 1, gatewayId: 'gw-1', ...fields });

describe("an agent's events in words", () => {
  it('says each part the event reports changed, with what it changed to', () => {
    expect(agentEventText(event({ transport: 'http' }), configName)).toBe('connected over http to gw-1');
    expect(agentEventText(event({ type: 'health', changes: ['health'], health: { healthy: false, lastError: 'exporter down' } }), configName)).toBe('unhealthy — exporter down');
    expect(
      agentEventText(
        event({
          type: 'remote-config-status',
          changes: ['remote-config-status', 'effective-config'],
          remoteConfigStatus: { status: 'APPLIED', hash: 'a'.repeat(64), errorMessage: '' },
          effectiveConfigHash: 'b'.repeat(64),
        }),
        configName,
      ),
    ).toBe(`remote config APPLIED otel@2; effective config ${'b'.repeat(12)}`);
    expect(agentEventText(event({ type: 'remote-config-status', changes: ['remote-config-status'], remoteConfigStatus: { status: 'FAILED', hash: 'c'.repeat(64), errorMessage: 'unknown processor x' } }), configName)).toBe(
      `remote config FAILED ${'c'.repeat(12)} — unknown processor x`,
    );
    expect(agentEventText(event({ type: 'disconnected', changes: ['disconnected', 'health'], health: null }), configName)).toBe('disconnected from gw-1; health no longer reported');
  });
});
