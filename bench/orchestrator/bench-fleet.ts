import { randomUUID } from 'node:crypto';
import { BUCKETS, fleetEventContract, gatewayPresenceContract, storedConfigContract, subjects, type FleetEvent } from '@roost/contracts';
import { storedCollectorConfig } from '@roost/config-versions';
import type { Platform } from '@roost/ports';

/** Capabilities of a collector that takes remote config and reports it (and its health). */
const CAPABILITIES = 0x1 | 0x2 | 0x800 | 0x1000;

export const GATEWAYS = ['gw-bench-0', 'gw-bench-1', 'gw-bench-2', 'gw-bench-3'];

export function configYaml(variant: string): string {
  return `receivers:\n  otlp:\n    protocols:\n      grpc: {}\nexporters:\n  debug:\n    verbosity: ${variant}\nservice:\n  pipelines:\n    traces:\n      receivers: [otlp]\n      exporters: [debug]\n`;
}

/** Stores a config version the way the orchestrator would, returning its hash. */
export async function storeConfig(platform: Pick<Platform, 'kv'>, yaml: string): Promise<string> {
  const stored = storedCollectorConfig(yaml, null, Date.now());
  await (await platform.kv.open(BUCKETS.configs.name)).put(stored.hash, storedConfigContract.encode(stored));
  return stored.hash;
}

/** A `connected` fleet event as a gateway publishes it, for an agent running `runningHash`. */
export function connectedEvent(agentId: string, gatewayId: string, environment: string, runningHash: string, at: number): FleetEvent {
  return {
    type: 'connected',
    schemaVersion: 1,
    changes: ['connected'],
    id: `${gatewayId}.bench.${randomUUID()}`,
    at,
    agentId,
    snapshot: {
      agentId,
      gatewayId,
      transport: 'websocket',
      connected: true,
      capabilities: CAPABILITIES,
      identifying: { 'service.name': 'otelcol', 'service.environment': environment },
      nonIdentifying: { 'host.name': `host-${agentId.slice(0, 8)}` },
      health: { healthy: true, lastError: '', status: 'StatusOK', reportedAt: at },
      remoteConfigStatus: { hash: runningHash, status: 'APPLIED', errorMessage: '', reportedAt: at },
      effectiveConfigHash: null,
    },
  };
}

/** A status change of an existing agent (what most live fleet events are). */
export function healthEvent(base: FleetEvent, at: number, healthy: boolean): FleetEvent {
  return { ...base, type: 'health', changes: ['health'], id: `${base.snapshot.gatewayId}.bench.${randomUUID()}`, at, snapshot: { ...base.snapshot, health: { healthy, lastError: healthy ? '' : 'exporter queue full', status: healthy ? 'StatusOK' : 'StatusRecoverableError', reportedAt: at } } };
}

/** Appends fleet events, `window` in flight at a time (setup, not measured). */
export async function appendFleetEvents(platform: Pick<Platform, 'events'>, events: readonly FleetEvent[], window = 1_000): Promise<void> {
  for (let start = 0; start < events.length; start += window) {
    await Promise.all(events.slice(start, start + window).map((event) => platform.events.append(subjects.fleetAgentEvent(event.agentId, event.type), fleetEventContract.encode(event), { messageId: event.id })));
  }
}

/** Keeps presence entries of the benchmark's pretend gateways fresh; returns a stop function. */
export async function announceGateways(platform: Pick<Platform, 'kv'>): Promise<() => void> {
  const bucket = await platform.kv.open(BUCKETS.gateways.name);
  const startedAt = Date.now() - 60_000;
  const write = () => Promise.all(GATEWAYS.map((gatewayId) => bucket.put(gatewayId, gatewayPresenceContract.encode({ gatewayId, startedAt, refreshedAt: Date.now(), agents: 0 }))));
  await write();
  const timer = setInterval(() => void write().catch(() => undefined), 3_000);
  return () => clearInterval(timer);
}
