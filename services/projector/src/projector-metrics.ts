import { Counter, Gauge, Histogram, Registry } from 'prom-client';

/**
 * The projector's Prometheus metrics, in a registry of its own so several projectors in one
 * process (tests, all-in-one) never collide. Lag = stream sequence − applied sequence.
 */
export interface ProjectorMetrics {
  readonly registry: Registry;
  readonly lag: Gauge<'stream'>;
  readonly streamSequence: Gauge<'stream'>;
  readonly appliedSequence: Gauge<'stream'>;
  readonly eventsApplied: Counter<'stream'>;
  readonly eventsSkipped: Counter<'stream' | 'reason'>;
  readonly batchSeconds: Histogram<'stream'>;
  readonly rebuilds: Counter<'cause'>;
  /** Times a stream's reader was lost by the server (and recreated after its last event received). */
  readonly followerLosses: Counter<'stream'>;
}

export function createProjectorMetrics(): ProjectorMetrics {
  const registry = new Registry();
  return {
    registry,
    lag: new Gauge({ name: 'roost_projector_lag_events', help: 'Events in the stream not yet applied to the views (stream sequence - applied sequence)', labelNames: ['stream'], registers: [registry] }),
    streamSequence: new Gauge({ name: 'roost_projector_stream_sequence', help: 'Last sequence of the stream when last sampled', labelNames: ['stream'], registers: [registry] }),
    appliedSequence: new Gauge({ name: 'roost_projector_applied_sequence', help: 'Last stream sequence applied to the views', labelNames: ['stream'], registers: [registry] }),
    eventsApplied: new Counter({ name: 'roost_projector_events_applied_total', help: 'Events applied to the views', labelNames: ['stream'], registers: [registry] }),
    eventsSkipped: new Counter({ name: 'roost_projector_events_skipped_total', help: 'Events no projection could read, passed over', labelNames: ['stream', 'reason'], registers: [registry] }),
    batchSeconds: new Histogram({
      name: 'roost_projector_batch_seconds',
      help: 'Time to read fragments, project and write one batch',
      labelNames: ['stream'],
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
      registers: [registry],
    }),
    rebuilds: new Counter({ name: 'roost_projector_rebuilds_total', help: 'Rebuilds of the views from the streams', labelNames: ['cause'], registers: [registry] }),
    followerLosses: new Counter({ name: 'roost_projector_reader_losses_total', help: 'Times the reader of a stream was lost by the server and recreated after the last event received', labelNames: ['stream'], registers: [registry] }),
  };
}
