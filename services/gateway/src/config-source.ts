import { desiredConfigContract, storedConfigContract } from '@roost/contracts';
import type { KeyValueStore, Logger } from '@roost/ports';
import type { DesiredEntry } from './agent-record';
import { preEncodeRemoteConfig } from './reply-encoding';

/**
 * One config version ready to be offered: the AgentRemoteConfig built once and shared by every
 * agent it goes to (bodies are never copied per agent).
 */
export interface OfferableConfig {
  /** Lowercase hex SHA-256, the key in `configs`. */
  readonly hashHex: string;
  readonly remoteConfig: {
    readonly config: { readonly configMap: Readonly<Record<string, { readonly body: Uint8Array; readonly contentType: string }>> };
    readonly configHash: Uint8Array;
  };
  /** Sum of body sizes, for logs and limits. */
  readonly bodyBytes: number;
}

export interface ConfigSource {
  /** The agent's entry in `agent-desired` (lowercase hex hash and revision); hash null when it has none. */
  desired(agentId: string): Promise<DesiredEntry>;
  /** The config version from `configs`, cached; null when missing or unreadable (logged). */
  config(hashHex: string): Promise<OfferableConfig | null>;
  /** The cached version without I/O, if present. */
  cached(hashHex: string): OfferableConfig | undefined;
  /**
   * For a connecting agent: its desired entry with that config version loaded, or undefined
   * when the KV cannot be read (logged; delivery then waits for the next nudge or re-read).
   */
  desiredOnConnect(agentId: string): Promise<DesiredEntry | undefined>;
}

const encoder = new TextEncoder();
const NO_ENTRY: DesiredEntry = { hash: null, revision: 0 };

/**
 * Reads desired hashes and config versions from KV. Config versions are immutable and
 * content-addressed, so they are cached (least recently used first out) and concurrent reads of
 * one hash share one KV get.
 */
export function createConfigSource(
  desiredBucket: KeyValueStore,
  configsBucket: KeyValueStore,
  logger: Logger,
  maxCachedConfigs = 256,
): ConfigSource {
  const cache = new Map<string, OfferableConfig>();
  const loading = new Map<string, Promise<OfferableConfig | null>>();

  const remember = (config: OfferableConfig): void => {
    cache.delete(config.hashHex);
    cache.set(config.hashHex, config);
    if (cache.size > maxCachedConfigs) {
      const oldest = cache.keys().next().value;
      if (oldest !== undefined) cache.delete(oldest);
    }
  };

  const load = async (hashHex: string): Promise<OfferableConfig | null> => {
    const entry = await configsBucket.get(hashHex);
    if (!entry) {
      logger.warn({ configHash: hashHex }, 'desired config is not in the configs bucket; nothing offered');
      return null;
    }
    const stored = storedConfigContract.decode(entry.value);
    if (stored.hash !== hashHex) {
      logger.error({ configHash: hashHex, storedHash: stored.hash }, 'configs entry holds another hash; refusing to offer it');
      return null;
    }
    const configMap: Record<string, { body: Uint8Array; contentType: string }> = {};
    let bodyBytes = 0;
    for (const [name, file] of Object.entries(stored.files)) {
      const body = encoder.encode(file.body);
      bodyBytes += body.length;
      configMap[name] = { body, contentType: file.contentType };
    }
    const offerable: OfferableConfig = {
      hashHex,
      remoteConfig: { config: { configMap }, configHash: hexToBytes(hashHex) },
      bodyBytes,
    };
    preEncodeRemoteConfig(offerable.remoteConfig);
    remember(offerable);
    return offerable;
  };

  const desired = async (agentId: string): Promise<DesiredEntry> => {
    const entry = await desiredBucket.get(agentId);
    return entry ? { hash: desiredConfigContract.decode(entry.value).configHash, revision: entry.revision } : NO_ENTRY;
  };
  const config = async (hashHex: string): Promise<OfferableConfig | null> => {
    const hit = cache.get(hashHex);
    if (hit) return hit;
    let pending = loading.get(hashHex);
    if (!pending) {
      pending = load(hashHex)
        .catch((error: unknown) => {
          logger.error({ configHash: hashHex, err: String(error) }, 'could not read config version');
          return null;
        })
        .finally(() => loading.delete(hashHex));
      loading.set(hashHex, pending);
    }
    return pending;
  };
  return {
    desired,
    config,
    cached: (hashHex) => cache.get(hashHex),
    desiredOnConnect: async (agentId) => {
      try {
        const entry = await desired(agentId);
        if (entry.hash !== null) await config(entry.hash);
        return entry;
      } catch (error) {
        logger.warn({ agentId, err: String(error) }, 'could not read agent-desired; delivery waits for the next nudge or re-read');
        return undefined;
      }
    },
  };
}

function hexToBytes(hex: string): Uint8Array {
  return Uint8Array.from(Buffer.from(hex, 'hex'));
}
