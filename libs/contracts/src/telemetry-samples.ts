import { z } from 'zod';
import { jsonContract } from './json-codec';

const count = z.number().nonnegative();

/**
 * Core subject `telemetry.agent.<uid>`: one export of an agent's own metrics as the gateway that
 * received it summed it up (OTLP/HTTP `POST /v1/metrics`, see docs/rollouts.md "Data-plane
 * gates"). Counters are the totals in the export (cumulative since `processStart`, or, with
 * `temporality: 'delta'`, the increase since the previous export); gauges are as reported.
 * Fire-and-forget: a lost sample only thins the window.
 */
export const telemetrySampleSchema = z.object({
  agentId: z.string().min(1),
  /** When the gateway received it (ms since the epoch): windows are cut on the servers' clock. */
  at: z.number(),
  /** Earliest start time of the export's cumulative counters (ms): it moves when the collector restarts. 0: unknown. */
  processStart: z.number(),
  temporality: z.enum(['cumulative', 'delta']),
  exporterSent: count,
  exporterFailed: count,
  receiverAccepted: count,
  receiverRefused: count,
  processorIncoming: count,
  processorOutgoing: count,
  /** Highest exporter queue size ÷ capacity in the export; null without a queue. */
  queueFill: z.number().nullable(),
  memoryRss: z.number().nullable(),
  cpuSeconds: z.number().nullable(),
});
export type TelemetrySample = z.infer<typeof telemetrySampleSchema>;
export const telemetrySampleContract = jsonContract<TelemetrySample>('agent telemetry sample', telemetrySampleSchema);
