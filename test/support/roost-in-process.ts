import { startAdminApi, type RunningAdminApi } from '@roost/admin-api';
import { startFleet, type RunningFleet } from '@roost/fleet-simulator';
import { startGateway, type RunningGateway } from '@roost/gateway';
import { startOrchestrator, type RunningOrchestrator } from '@roost/orchestrator';
import type { Platform } from '@roost/ports';
import { startProjector, type RunningProjector } from '@roost/projector';
import { eventually } from '@roost/testing';

export interface RoostInProcessOptions {
  readonly gatewayId: string;
  /** The simulated collectors' `service.environment`, and how many. */
  readonly group: string;
  readonly agents: number;
  readonly seed: string;
  readonly regions?: string;
  /** The admin API's gRPC port (0: any free one); null: HTTP only. */
  readonly grpcPort?: number | null;
}

export interface RoostInProcess {
  readonly projector: RunningProjector;
  readonly orchestrator: RunningOrchestrator;
  readonly gateway: RunningGateway;
  readonly api: RunningAdminApi;
  readonly fleet: RunningFleet;
  stop(): Promise<void>;
}

/**
 * Every Roost service in this process on one platform, as the all-in-one runs them, with
 * simulated collectors of one group connected and counted in the views (the orchestrator leads).
 */
export async function startRoostInProcess(platform: Platform, options: RoostInProcessOptions): Promise<RoostInProcess> {
  const projector = await startProjector({}, platform);
  const orchestrator = await startOrchestrator({}, platform);
  await eventually(() => orchestrator.isLeader(), { timeoutMs: 15_000, what: 'the orchestrator to lead' });
  const gateway = await startGateway({ port: 0, host: '127.0.0.1', gatewayId: options.gatewayId, heartbeatIntervalSeconds: null, pingIntervalMs: 60_000 }, platform);
  const api = await startAdminApi({ httpPort: 0, grpcPort: options.grpcPort === undefined ? 0 : options.grpcPort, watchIntervalMs: 50 }, platform);
  const fleet = await startFleet({
    urls: [gateway.url],
    agents: options.agents,
    environments: options.group,
    ...(options.regions !== undefined ? { regions: options.regions } : {}),
    applyDelayMs: { min: 5, max: 20 },
    seed: options.seed,
  });
  await fleet.waitUntilConnected(options.agents, 15_000);
  const connected = async (): Promise<boolean> => ((await (await fetch(`${api.url}/api/v1/groups/${options.group}`)).json()) as { connected?: number }).connected === options.agents;
  await eventually(connected, { timeoutMs: 15_000, what: `${options.agents} agents of ${options.group} in the views` });
  return {
    projector,
    orchestrator,
    gateway,
    api,
    fleet,
    stop: async () => {
      await fleet.stop();
      await api.stop();
      await gateway.stop();
      await orchestrator.stop();
      await projector.stop();
    },
  };
}
