import { z } from 'zod';
import { jsonContract } from './json-codec';

/** One agent's `agent-desired` entry as written: the hash (null: none desired) and the KV revision of the write. */
export const desiredWriteSchema = z.object({
  configHash: z.string().regex(/^[0-9a-f]{64}$/).nullable(),
  revision: z.number().int().positive(),
});
export type DesiredWrite = z.infer<typeof desiredWriteSchema>;

/**
 * Core-subject nudge `gateway.<id>.push`: the desired config of these agents changed. With
 * `desired` (one entry per agent id, same order) the gateway takes each entry from the nudge
 * instead of reading it back from the KV; the revision tells it whether the entry is newer
 * than the one it holds, whatever order nudges arrive in.
 */
export const pushNudgeSchema = z
  .object({ agentIds: z.array(z.string()).min(1), desired: z.array(desiredWriteSchema).optional() })
  .refine((nudge) => nudge.desired === undefined || nudge.desired.length === nudge.agentIds.length, {
    message: 'desired must hold one entry per agent id',
    path: ['desired'],
  });
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
