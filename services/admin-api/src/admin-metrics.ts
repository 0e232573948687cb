import { Counter, Histogram, Registry } from 'prom-client';

/** One answered request, as the operation runner saw it. */
export interface RequestObservation {
  readonly operation: string;
  readonly transport: string;
  /** `ok`, or the error code answered. */
  readonly result: string;
  readonly seconds: number;
}

/** The admin API's Prometheus metrics (`/metrics` on its HTTP port), in a registry of its own. */
export interface AdminMetrics {
  readonly registry: Registry;
  observe(request: RequestObservation): void;
}

export function createAdminMetrics(): AdminMetrics {
  const registry = new Registry();
  const requests = new Counter({
    name: 'roost_admin_requests_total',
    help: 'Admin API requests answered, by operation (rollout.start, agent.list, ...), transport (http, grpc) and result (ok or the error code)',
    labelNames: ['operation', 'transport', 'result'],
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'roost_admin_request_duration_seconds',
    help: 'Time to answer an admin API request (streams: until the stream starts), by operation and transport',
    labelNames: ['operation', 'transport'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  return {
    registry,
    observe({ operation, transport, result, seconds }) {
      requests.inc({ operation, transport, result });
      duration.observe({ operation, transport }, seconds);
    },
  };
}
