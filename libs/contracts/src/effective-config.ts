import { z } from 'zod';
import { configFileSchema } from './desired-config';
import { jsonContract } from './json-codec';

/**
 * `effective-configs` KV entry, key = agent id: the effective config the agent last reported,
 * written by the gateway that received it when its hash changed. Read by the admin API
 * (`GET /api/v1/agents/{agentId}/effective-config`).
 */
export const effectiveConfigEntrySchema = z.object({
  /** Lowercase hex canonical hash of the config map, as fleet events carry it. */
  hash: z.string(),
  /** The files of the AgentConfigMap as UTF-8 text; empty when they were left out (`omitted`). */
  files: z.record(z.string(), configFileSchema),
  /** Why the files were not kept (too large), null when they were. */
  omitted: z.string().nullable(),
  /** When the gateway received the report (ms since the epoch). */
  reportedAt: z.number(),
  gatewayId: z.string(),
});
export type EffectiveConfigEntry = z.infer<typeof effectiveConfigEntrySchema>;
export const effectiveConfigEntryContract = jsonContract<EffectiveConfigEntry>('effective-configs entry', effectiveConfigEntrySchema);
