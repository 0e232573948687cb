import { BUCKETS, desiredConfigContract, fleetEventContract, pushNudgeContract, storedConfigContract, subjects, type DesiredWrite, type FleetEvent } from '@roost/contracts';
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

/** Writes the agents' `agent-desired` entries; resolves with what was written, as a nudge carries it. */
export async function setDesired(platform: GatewayPlatform, agentIds: readonly string[], configHash: string): Promise<DesiredWrite[]> {
  const bucket = await platform.kv.open(BUCKETS.agentDesired.name);
  const entry = desiredConfigContract.encode({ configHash, rolloutId: 'test-rollout', setAt: Date.now() });
  return Promise.all(agentIds.map(async (id) => ({ configHash, revision: await bucket.put(id, entry) })));
}

/** Nudges the gateway; with `desired` (one per agent) the nudge carries the entries, as the orchestrator's do. */
export function nudge(platform: GatewayPlatform, gatewayId: string, agentIds: readonly string[], desired?: readonly DesiredWrite[]): void {
  const body = desired === undefined ? { agentIds: [...agentIds] } : { agentIds: [...agentIds], desired: [...desired] };
  platform.bus.publish(subjects.gatewayPush(gatewayId), pushNudgeContract.encode(body));
}

/** Every fleet event stored so far, optionally for one agent, oldest first. */
export async function fleetEvents(platform: GatewayPlatform, agentId?: string): Promise<FleetEvent[]> {
  const stored = await platform.events.read(agentId ? subjects.fleetAgentAll(agentId) : subjects.fleetAll);
  return stored.map((event) => fleetEventContract.decode(event.data));
}
