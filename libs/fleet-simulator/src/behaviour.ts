import { SimulatorError } from './simulator-error';
import type { Share } from './shares';

/**
 * How a simulated collector treats configs. Every agent applies a config without the marker
 * cleanly; the behaviours differ on a config whose text contains the marker:
 * - `healthy`: applies it like any other.
 * - `fail`: refuses it (FAILED with an error) and keeps running what it ran.
 * - `unhealthy`: applies it (APPLIED), then reports itself unhealthy until it gets another config.
 * - `rollback`: applies it, fails to become healthy and goes back to the config it ran before,
 *   as the collector supervisor does: FAILED for the new config, then APPLIED for the old one.
 * - `flaky`: applies every config, and drops its connection at random times.
 * - `drops`: applies it and stays healthy, but its exporter fails every batch while it runs it
 *   (seen only in its own metrics, when offered own_metrics: what a data-plane gate catches).
 */
export const BEHAVIOURS = ['healthy', 'fail', 'unhealthy', 'rollback', 'flaky', 'drops'] as const;
export type Behaviour = (typeof BEHAVIOURS)[number];

export const DEFAULT_MARKER = '# roost-sim: break';

/**
 * Reads `fail:10,unhealthy:5,flaky:2`: percentages of the fleet; whatever is left is healthy.
 */
export function parseBehaviourShares(text: string): Share[] {
  const shares: Share[] = [];
  for (const part of text.split(',').map((p) => p.trim()).filter((p) => p !== '')) {
    const [name, percent] = part.split(':').map((p) => p.trim());
    const value = Number(percent?.replace(/%$/, ''));
    if (!(BEHAVIOURS as readonly string[]).includes(name ?? '') || percent === undefined || !Number.isFinite(value) || value < 0) {
      throw new SimulatorError('simulator.bad_behaviours', `behaviours: "${part}" is not <behaviour>:<percent> with a behaviour of ${BEHAVIOURS.join(', ')} (e.g. fail:10,unhealthy:5)`);
    }
    shares.push({ value: name as Behaviour, weight: value });
  }
  const named = shares.reduce((sum, share) => sum + share.weight, 0);
  if (named > 100) throw new SimulatorError('simulator.bad_behaviours', `behaviours: the percentages add up to ${named}, more than 100`);
  const healthy = shares.find((share) => share.value === 'healthy');
  const rest = 100 - named;
  return healthy ? shares.map((share) => (share === healthy ? { value: 'healthy', weight: share.weight + rest } : share)) : [...shares, { value: 'healthy', weight: rest }];
}

/** A config as the agent holds it; `hash` null is the agent's own local config (no remote one). */
export interface HeldConfig {
  readonly hash: string | null;
  /** Every file's text, in name order: what the marker is looked for in. */
  readonly body: string;
  /** The files as received, reported back as the effective config; absent = one file holding `body`. */
  readonly files?: Readonly<Record<string, { readonly body: Uint8Array; readonly contentType: string }>>;
}

/** What the agent tells the server at one moment; absent fields are unchanged. */
export interface AgentReport {
  readonly remoteStatus?: { readonly hash: string; readonly status: 'APPLYING' | 'APPLIED' | 'FAILED'; readonly error?: string };
  readonly health?: { readonly healthy: boolean; readonly lastError: string };
  readonly runs?: HeldConfig;
}

export interface ReactionStep {
  /** Time after receiving the config. */
  readonly afterMs: number;
  readonly report: AgentReport;
}

const HEALTHY = { healthy: true, lastError: '' };
const UNHEALTHY = { healthy: false, lastError: 'exporter otlp: sending queue is full, dropping data' };

/**
 * What an agent running `running` does when offered `offered`, as timed reports. Like the
 * collector supervisor it acknowledges at once (APPLYING) and reports the outcome
 * `applyDelayMs` later.
 */
export function reactTo(behaviour: Behaviour, offered: HeldConfig & { readonly hash: string }, running: HeldConfig, applyDelayMs: number, marker: string): ReactionStep[] {
  const marked = offered.body.includes(marker);
  // Offered what it runs (e.g. sent back while restarting with another config): it stays on it.
  if (offered.hash === running.hash) {
    const health = marked && behaviour === 'unhealthy' ? UNHEALTHY : HEALTHY;
    return [{ afterMs: 0, report: { remoteStatus: { hash: offered.hash, status: 'APPLIED' }, health } }];
  }
  // Health is left as it was while applying: the rollout judges health only after the outcome,
  // and a restart's passing unhealthiness would otherwise be the error operators see.
  const starting: ReactionStep = { afterMs: 0, report: { remoteStatus: { hash: offered.hash, status: 'APPLYING' } } };
  const applied: AgentReport = { remoteStatus: { hash: offered.hash, status: 'APPLIED' }, runs: offered };
  const outcome = (report: AgentReport): ReactionStep[] => [starting, { afterMs: applyDelayMs, report }];
  if (!marked) return outcome({ ...applied, health: HEALTHY });
  switch (behaviour) {
    case 'healthy':
    case 'flaky':
    case 'drops':
      return outcome({ ...applied, health: HEALTHY });
    case 'fail':
      return outcome({ remoteStatus: { hash: offered.hash, status: 'FAILED', error: `invalid configuration: ${markerLine(offered.body, marker)}` }, health: HEALTHY });
    case 'unhealthy':
      return outcome({ ...applied, health: UNHEALTHY });
    case 'rollback':
      return [
        ...outcome({ ...applied, health: { healthy: false, lastError: 'collector did not become healthy with the new config' } }),
        {
          afterMs: applyDelayMs * 2,
          report: { remoteStatus: { hash: offered.hash, status: 'FAILED', error: 'collector did not become healthy; the supervisor restored the previous config' }, runs: running, health: HEALTHY },
        },
        ...(running.hash === null ? [] : [{ afterMs: applyDelayMs * 2 + 1, report: { remoteStatus: { hash: running.hash, status: 'APPLIED' as const } } }]),
      ];
    default:
      return assertNever(behaviour);
  }
}

/** Whether an agent of this behaviour, running `running`, fails to export every batch (healthy all the while). */
export function exportFails(behaviour: Behaviour, running: HeldConfig, marker: string): boolean {
  return behaviour === 'drops' && running.body.includes(marker);
}

/** `line N: <text>` of the first line holding the marker, for error messages that point somewhere. */
function markerLine(body: string, marker: string): string {
  const lines = body.split('\n');
  const index = lines.findIndex((line) => line.includes(marker));
  return `line ${index + 1}: ${(lines[index] ?? '').trim()}`;
}

function assertNever(value: never): never {
  throw new Error(`unhandled behaviour ${JSON.stringify(value)}`);
}
