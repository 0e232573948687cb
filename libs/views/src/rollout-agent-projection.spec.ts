import { ROLLOUT_EVENT_TYPES, type RolloutEvent } from '@roost/rollout';
import { isAgentEvent } from './rollout-agent-projection';

describe('isAgentEvent', () => {
  it('given every rollout event type, picks the ones about one agent, read from the schemas', () => {
    const agentTypes = ROLLOUT_EVENT_TYPES.filter((type) => isAgentEvent({ type } as RolloutEvent));
    expect([...agentTypes].sort()).toEqual(
      [
        'AgentConfigApplied',
        'AgentConfigFailed',
        'AgentConfigReceived',
        'AgentConnectionLost',
        'AgentConnectionRestored',
        'AgentExcluded',
        'AgentHealthChanged',
        'AgentJoined',
        'AgentRevertApplied',
        'AgentRevertFailed',
        'AgentSkipped',
      ].sort(),
    );
  });
});
