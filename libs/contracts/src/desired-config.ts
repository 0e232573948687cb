import { z } from 'zod';
import { jsonContract } from './json-codec';

/**
 * `agent-desired` KV entry, key = agent id (canonical uid text). Written by the orchestrator,
 * read by the gateway holding the agent, which delivers the config when the agent's reported
 * hash differs (level-triggered).
 */
export const desiredConfigSchema = z.object({
  /**
   * Lowercase hex SHA-256 of the config version (its key in the `configs` bucket); null: no
   * remote config is desired (a rollout released an agent that never had one) — nothing is offered.
   */
  configHash: z.string().regex(/^[0-9a-f]{64}$/).nullable(),
  /** The rollout that set it; null when set outside a rollout. */
  rolloutId: z.string().nullable(),
  setAt: z.number(),
});
export type DesiredConfig = z.infer<typeof desiredConfigSchema>;
export const desiredConfigContract = jsonContract<DesiredConfig>('agent-desired entry', desiredConfigSchema);

/** `configs` KV entry, key = hash. Immutable once written; content-addressed. */
export const configFileSchema = z.object({
  /** UTF-8 text of the file (collector YAML). */
  body: z.string(),
  contentType: z.string(),
});
export const storedConfigSchema = z.object({
  hash: z.string().regex(/^[0-9a-f]{64}$/),
  /** Named files of the OpAMP AgentConfigMap; a collector config uses the single name "". */
  files: z.record(z.string(), configFileSchema),
  name: z.string().optional(),
  createdAt: z.number(),
});
export type StoredConfig = z.infer<typeof storedConfigSchema>;
export const storedConfigContract = jsonContract<StoredConfig>('configs entry', storedConfigSchema);
