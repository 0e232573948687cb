import { z } from 'zod';
import { jsonContract } from './json-codec';

/** At most this many records per message (an export's first error-level records). */
export const MAX_COLLECTOR_ERRORS_PER_MESSAGE = 16;
/** A record's text is cut to this many characters. */
export const MAX_COLLECTOR_ERROR_TEXT = 1000;

export const collectorErrorRecordSchema = z.object({
  /** The record's own time (agent clock, ms since the epoch); its observed time when it has none; 0: neither. */
  time: z.number(),
  /** `ERROR` or `FATAL` (from the severity number), else the record's severity text. */
  severity: z.string(),
  /** The record's body and, when it has them, its component and `error` attribute (collector-errors.ts of `@roost/telemetry`). */
  text: z.string().max(MAX_COLLECTOR_ERROR_TEXT),
});
export type CollectorErrorRecord = z.infer<typeof collectorErrorRecordSchema>;

/**
 * Core subject `telemetry.logs.<uid>`: the error-level records of one export of an agent's own
 * logs (OTLP/HTTP `POST /v1/logs`), as the gateway that received it picked them out. Exports with
 * no such record publish nothing. Fire-and-forget, like the own-metrics samples.
 */
export const collectorErrorsSchema = z.object({
  agentId: z.string().min(1),
  /** When the gateway received them (ms since the epoch): failures are matched on the servers' clock. */
  at: z.number(),
  records: z.array(collectorErrorRecordSchema).min(1).max(MAX_COLLECTOR_ERRORS_PER_MESSAGE),
});
export type CollectorErrors = z.infer<typeof collectorErrorsSchema>;
export const collectorErrorsContract = jsonContract<CollectorErrors>('agent collector errors', collectorErrorsSchema);
