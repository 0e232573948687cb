import { BUCKETS, desiredConfigContract, fleetEventContract, pushNudgeContract, storedConfigContract, subjects, type FleetEvent } from '@roost/contracts';
import { configHashHex } from '@roost/opamp';
import type { GatewayPlatform } from '../start-gateway';

/**
 * What the orchestrator does around a gateway, for tests: store a config version, set an
 * agent's desired config, nudge the gateway, and read the fleet events it published.
 */
export async function storeConfig(platform: GatewayPlatform, body: string, contentType = 'text/yaml'): Promise<string> {
  const files = { '': { body, contentType } };
  const hash = configHashHex(files);
  const bucket = await platform.kv.open(BUCKETS.configs.name);
  await bucket.put(hash, storedConfigContract.encode({ hash, files, createdAt: Date.now() }));
  return hash;
}

export async function setDesired(platform: GatewayPlatform, agentIds: readonly string[], configHash: string): Promise<void> {
  const bucket = await platform.kv.open(BUCKETS.agentDesired.name);
  const entry = desiredConfigContract.encode({ configHash, rolloutId: 'test-rollout', setAt: Date.now() });
  await Promise.all(agentIds.map((id) => bucket.put(id, entry)));
}

export function nudge(platform: GatewayPlatform, gatewayId: string, agentIds: readonly string[]): void {
  platform.bus.publish(subjects.gatewayPush(gatewayId), pushNudgeContract.encode({ agentIds: [...agentIds] }));
}

/** Every fleet event stored so far, optionally for one agent, oldest first. */
export async function fleetEvents(platform: GatewayPlatform, agentId?: string): Promise<FleetEvent[]> {
  const stored = await platform.events.read(agentId ? subjects.fleetAgentAll(agentId) : subjects.fleetAll);
  return stored.map((event) => fleetEventContract.decode(event.data));
}
