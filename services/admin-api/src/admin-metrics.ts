import { Counter, Gauge, Histogram, Registry } from 'prom-client';

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
  /** A request body refused for the shared budget. */
  bodyRefused(): void;
  /** Reads the bytes held in bodies being received (and the budget) when scraped. */
  watchBodies(held: () => number, budgetBytes: number): void;
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
  const refused = new Counter({
    name: 'roost_admin_refused_total',
    help: 'Requests refused before any operation ran, by reason (body_budget: their body would have passed the shared budget of bodies being received)',
    labelNames: ['reason'],
    registers: [registry],
  });
  let held = (): number => 0;
  new Gauge({
    name: 'roost_admin_request_body_bytes_held',
    help: 'Bytes held in request bodies being received',
    registers: [registry],
    collect() {
      this.set(held());
    },
  });
  const budget = new Gauge({ name: 'roost_admin_request_body_bytes_budget', help: 'Most bytes the admin API holds in request bodies being received', registers: [registry] });
  return {
    registry,
    observe({ operation, transport, result, seconds }) {
      requests.inc({ operation, transport, result });
      duration.observe({ operation, transport }, seconds);
    },
    bodyRefused: () => refused.inc({ reason: 'body_budget' }),
    watchBodies(read, budgetBytes) {
      budget.set(budgetBytes);
      held = read;
    },
  };
}
