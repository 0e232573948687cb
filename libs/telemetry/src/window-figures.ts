import type { TelemetrySample } from '@roost/contracts';
import type { AgentTelemetryFigures } from '@roost/rollout';

/** Appends a sample to an agent's window, oldest dropped beyond `max`, kept in order of arrival time. */
export function appendSample(window: readonly TelemetrySample[], sample: TelemetrySample, max: number): TelemetrySample[] {
  const next = [...window, sample];
  if (window.length > 0 && (window[window.length - 1] as TelemetrySample).at > sample.at) next.sort((a, b) => a.at - b.at);
  return next.length > max ? next.slice(next.length - max) : next;
}

const COUNTERS = ['exporterSent', 'exporterFailed', 'receiverAccepted', 'receiverRefused', 'processorIncoming', 'processorOutgoing'] as const;

/**
 * What an agent's samples received from `from` to `to` say: each counter's increase between the
 * first and the last of them (a collector restart — its counters' start time moves, or a value
 * falls — counts the new process's values from zero; delta samples add up), the fullest exporter
 * queue, memory at the first and the last. The first sample is the baseline: n samples cover n − 1
 * intervals.
 */
export function windowFigures(window: readonly TelemetrySample[], from: number, to: number): AgentTelemetryFigures {
  const samples = window.filter((sample) => sample.at >= from && sample.at <= to);
  const increases: Record<(typeof COUNTERS)[number], number> = { exporterSent: 0, exporterFailed: 0, receiverAccepted: 0, receiverRefused: 0, processorIncoming: 0, processorOutgoing: 0 };
  for (let i = 1; i < samples.length; i += 1) {
    const previous = samples[i - 1] as TelemetrySample;
    const current = samples[i] as TelemetrySample;
    const restarted = current.temporality === 'cumulative' && current.processStart !== previous.processStart && current.processStart !== 0;
    for (const counter of COUNTERS) {
      const now = current[counter];
      const before = previous[counter];
      increases[counter] += current.temporality === 'delta' ? now : restarted || now < before ? now : now - before;
    }
  }
  const first = samples[0];
  const last = samples[samples.length - 1];
  const fills = samples.map((sample) => sample.queueFill).filter((fill): fill is number => fill !== null);
  return {
    samples: samples.length,
    coveredMs: first === undefined || last === undefined ? 0 : last.at - first.at,
    ...increases,
    queueFill: fills.length === 0 ? null : Math.max(...fills),
    memoryFirst: first?.memoryRss ?? null,
    memoryLast: last?.memoryRss ?? null,
  };
}
