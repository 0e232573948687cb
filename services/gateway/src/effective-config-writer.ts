import { effectiveConfigEntryContract, type EffectiveConfigEntry } from '@roost/contracts';
import type { KeyValueStore, Logger } from '@roost/ports';

export interface EffectiveConfigWriter {
  /** Keeps `entry` as the agent's effective config, without waiting; a failure is logged. */
  save(agentId: string, entry: EffectiveConfigEntry): void;
  /** Resolves once every save issued so far has settled. */
  drain(): Promise<void>;
}

/**
 * Writes agents' effective configs to `effective-configs`, one write in flight per agent: a
 * report that arrives while the previous one is being written replaces any still waiting, so
 * the last report is the one kept and an agent's writes never overtake each other.
 */
export function createEffectiveConfigWriter(bucket: KeyValueStore, logger: Logger): EffectiveConfigWriter {
  const waiting = new Map<string, EffectiveConfigEntry>();
  const writing = new Map<string, Promise<void>>();

  const write = async (agentId: string): Promise<void> => {
    for (let entry = waiting.get(agentId); entry !== undefined; entry = waiting.get(agentId)) {
      waiting.delete(agentId);
      try {
        await bucket.put(agentId, effectiveConfigEntryContract.encode(entry));
      } catch (error) {
        logger.warn({ agentId, hash: entry.hash, err: String(error) }, 'effective config not kept');
      }
    }
    writing.delete(agentId);
  };

  return {
    save(agentId, entry) {
      waiting.set(agentId, entry);
      if (!writing.has(agentId)) writing.set(agentId, write(agentId));
    },
    async drain() {
      while (writing.size > 0) await Promise.all([...writing.values()]);
    },
  };
}
