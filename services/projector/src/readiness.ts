import type { ComponentHealth } from '@roost/ports';

export interface StreamLag {
  readonly stream: string;
  /** Last sequence of the stream when sampled. */
  readonly streamSequence: number;
  readonly appliedSequence: number;
  readonly lag: number;
}

/** What /readyz answers. */
export interface Readiness {
  readonly ready: boolean;
  /** Why not ready; empty when ready. */
  readonly reasons: readonly string[];
  readonly rebuilding: boolean;
  readonly streams: readonly StreamLag[];
  readonly components: readonly ComponentHealth[];
}

/** Ready: started, not rebuilding, every component healthy, every stream within `maxLag`. */
export function judgeReadiness(input: { started: boolean; rebuilding: boolean; maxLag: number; streams: readonly StreamLag[]; components: readonly ComponentHealth[] }): Readiness {
  const reasons: string[] = [];
  if (!input.started) reasons.push('starting');
  if (input.rebuilding) reasons.push('rebuilding the views');
  for (const c of input.components) if (!c.healthy) reasons.push(`${c.component}: ${c.detail}`);
  for (const s of input.streams) if (s.lag > input.maxLag) reasons.push(`${s.stream} lags ${s.lag} events (at most ${input.maxLag})`);
  return { ready: reasons.length === 0, reasons, rebuilding: input.rebuilding, streams: input.streams, components: input.components };
}
