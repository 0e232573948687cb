import type { AgentEvent } from './api-types';

/**
 * What one of an agent's fleet events says, in words: each part it reports changed, with the
 * state that says how (`configName` names a config hash, name@version when stored).
 */
export function agentEventText(event: AgentEvent, configName: (hash: string) => string): string {
  return event.changes.map((change) => changeText(change, event, configName)).join('; ');
}

function changeText(change: AgentEvent['type'], event: AgentEvent, configName: (hash: string) => string): string {
  switch (change) {
    case 'connected':
      return `connected over ${event.transport ?? 'OpAMP'} to ${event.gatewayId}`;
    case 'disconnected':
      return `disconnected from ${event.gatewayId}`;
    case 'health':
      if (event.health === undefined || event.health === null) return 'health no longer reported';
      return event.health.healthy ? 'healthy' : `unhealthy${event.health.lastError === '' ? '' : ` — ${event.health.lastError}`}`;
    case 'remote-config-status': {
      const status = event.remoteConfigStatus;
      if (status === undefined || status === null) return 'remote config status no longer reported';
      const config = status.hash === '' ? '' : ` ${configName(status.hash)}`;
      return `remote config ${status.status}${config}${status.errorMessage === '' ? '' : ` — ${status.errorMessage}`}`;
    }
    case 'effective-config':
      return event.effectiveConfigHash === undefined || event.effectiveConfigHash === null ? 'effective config no longer reported' : `effective config ${configName(event.effectiveConfigHash)}`;
    case 'description':
      return 'description changed';
    case 'capabilities':
      return 'capabilities changed';
  }
}
