import { createHash } from 'node:crypto';
import type { Behaviour } from './behaviour';
import { seededRandom, shuffled } from './seeded-random';
import { allocate, type Share } from './shares';

/** Who one simulated agent is; the same seed and index give the same agent. */
export interface AgentPlan {
  readonly index: number;
  /** Instance uid as UUID text (a UUIDv8 derived from the seed and index). */
  readonly agentId: string;
  readonly environment: string;
  readonly region: string;
  readonly behaviour: Behaviour;
  readonly hostName: string;
  /** Seeds this agent's own random stream (apply delays, flaky timing, reconnect jitter). */
  readonly seed: string;
}

export interface FleetPlanSpec {
  readonly agents: number;
  readonly environments: readonly Share[];
  readonly regions: readonly Share[];
  readonly behaviours: readonly Share[];
  readonly seed: string;
}

/**
 * Every agent of the fleet. Environments, regions and behaviours each get their exact share,
 * shuffled independently, so every environment holds its part of every behaviour on average.
 */
export function planFleet(spec: FleetPlanSpec): AgentPlan[] {
  const random = seededRandom(`${spec.seed}/plan`);
  const environments = shuffled(allocate(spec.agents, spec.environments), random);
  const regions = shuffled(allocate(spec.agents, spec.regions), random);
  const behaviours = shuffled(allocate(spec.agents, spec.behaviours), random);
  return Array.from({ length: spec.agents }, (_, index): AgentPlan => {
    const agentId = derivedUuid(`${spec.seed}/agent/${index}`);
    const environment = environments[index] as string;
    return {
      index,
      agentId,
      environment,
      region: regions[index] as string,
      behaviour: behaviours[index] as Behaviour,
      hostName: `${environment}-collector-${String(index).padStart(4, '0')}`,
      seed: `${spec.seed}/${index}`,
    };
  });
}

/** A UUIDv8 (RFC 9562 custom layout) from the SHA-256 of `text`. */
export function derivedUuid(text: string): string {
  const bytes = createHash('sha256').update(text).digest().subarray(0, 16);
  bytes[6] = ((bytes[6] as number) & 0x0f) | 0x80;
  bytes[8] = ((bytes[8] as number) & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
