import type { EffectiveConfigEntry } from '@roost/contracts';
import type { AgentToServer } from '@roost/opamp';

/**
 * Most bytes of config text kept per agent in `effective-configs`. Collector configs are a few
 * KiB; a larger report keeps its hash and says why its text was left out (a NATS message, and so
 * a KV value, is 1 MiB at most by default).
 */
export const MAX_EFFECTIVE_CONFIG_BYTES = 256 * 1024;

const utf8 = new TextDecoder('utf-8');

/**
 * The `effective-configs` entry a message's effective config is worth: only when it carries one
 * whose hash differs from what this gateway held (`hash` is the merged state's), else null.
 */
export function effectiveConfigReport(message: AgentToServer, changed: boolean, hash: string | null, at: number, gatewayId: string): EffectiveConfigEntry | null {
  const map = message.effectiveConfig?.configMap?.configMap;
  if (!changed || hash === null || message.effectiveConfig == null) return null;
  const entries = Object.entries(map ?? {});
  const bytes = entries.reduce((sum, [name, file]) => sum + name.length + (file.body?.length ?? 0), 0);
  if (bytes > MAX_EFFECTIVE_CONFIG_BYTES) {
    return { hash, files: {}, omitted: `${bytes} bytes, above the ${MAX_EFFECTIVE_CONFIG_BYTES} kept`, reportedAt: at, gatewayId };
  }
  const files = Object.fromEntries(entries.map(([name, file]) => [name, { body: utf8.decode(file.body ?? new Uint8Array(0)), contentType: file.contentType ?? '' }]));
  return { hash, files, omitted: null, reportedAt: at, gatewayId };
}
