import type { OrchestratorOptions, WebhookTarget } from './orchestrator-options';

export interface OrchestratorEnvironment {
  readonly natsUrl: string | undefined;
  readonly logLevel: string;
  readonly options: OrchestratorOptions;
}

/**
 * Reads the orchestrator's settings from the environment (12-factor):
 *   NATS_URL                      nats://host:4222 (unset: in-memory platform, for a demo only)
 *   ORCHESTRATOR_ID               unique id of this process (default: host, pid and random)
 *   ROOST_WEBHOOK_URLS            comma-separated webhook URLs for rollout notifications
 *   ROOST_WEBHOOK_KINDS           optional comma-separated subset of paused,completed,failed,rolled_back,aborted
 *   LOG_LEVEL                     pino level (default info)
 */
export function orchestratorEnvironment(env: Readonly<Record<string, string | undefined>>): OrchestratorEnvironment {
  const kinds = list(env['ROOST_WEBHOOK_KINDS']) as WebhookTarget['kinds'];
  const webhooks = list(env['ROOST_WEBHOOK_URLS']).map((url): WebhookTarget => ({ url, ...(kinds && kinds.length > 0 ? { kinds } : {}) }));
  return {
    natsUrl: env['NATS_URL'] || undefined,
    logLevel: env['LOG_LEVEL'] || 'info',
    options: {
      ...(env['ORCHESTRATOR_ID'] ? { instanceId: env['ORCHESTRATOR_ID'] } : {}),
      webhooks,
    },
  };
}

function list(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
}
