import { z } from 'zod';
import { jsonContract } from './json-codec';

/** Core-subject nudge `gateway.<id>.push`: the desired config of these agents changed. */
export const pushNudgeSchema = z.object({ agentIds: z.array(z.string()).min(1) });
export type PushNudge = z.infer<typeof pushNudgeSchema>;
export const pushNudgeContract = jsonContract<PushNudge>('gateway push nudge', pushNudgeSchema);

/** `gateways` KV entry, key = gateway id; refreshed well inside the bucket TTL. */
export const gatewayPresenceSchema = z.object({
  gatewayId: z.string(),
  startedAt: z.number(),
  refreshedAt: z.number(),
  agents: z.number().int().nonnegative(),
  endpoint: z.string().optional(),
});
export type GatewayPresence = z.infer<typeof gatewayPresenceSchema>;
export const gatewayPresenceContract = jsonContract<GatewayPresence>('gateway presence', gatewayPresenceSchema);
