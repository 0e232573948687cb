import { sha256 } from '@noble/hashes/sha2';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils';

/**
 * The agent's place in the rollout's cohort order: the first 64 bits of
 * SHA-256(rolloutId, agentId) as hex. Deterministic, uniformly spread, and different per
 * rollout so the same agents are not always the canaries.
 */
export function cohortKey(rolloutId: string, agentId: string): string {
  return bytesToHex(sha256(utf8ToBytes(`agent\n${rolloutId}\n${agentId}`)).subarray(0, 8));
}

function stratumKey(rolloutId: string, stratum: string): string {
  return bytesToHex(sha256(utf8ToBytes(`stratum\n${rolloutId}\n${stratum}`)).subarray(0, 8));
}

export interface CohortMember {
  readonly agentId: string;
  readonly cohortKey: string;
  /** The member's value of the stratification key ('' when it lacks it), null when not stratified. */
  readonly stratum: string | null;
}

/** Cohort order of two members: by cohort key, then by id (keys of 64 bits may collide). */
export function compareCohort(a: Pick<CohortMember, 'agentId' | 'cohortKey'>, b: Pick<CohortMember, 'agentId' | 'cohortKey'>): number {
  return a.cohortKey < b.cohortKey ? -1 : a.cohortKey > b.cohortKey ? 1 : a.agentId < b.agentId ? -1 : a.agentId > b.agentId ? 1 : 0;
}

/**
 * The order in which a rollout takes its members. Unstratified: by cohort key. Stratified:
 * strata in the order of their own keys, taken round-robin, each stratum by cohort key — so
 * the first k agents cover min(k, strata) distinct values. Targeting only ever adds agents,
 * so a widening phase keeps every earlier one (cohorts are sticky).
 */
export function cohortOrder(rolloutId: string, members: readonly CohortMember[]): string[] {
  const sorted = [...members].sort(compareCohort);
  if (sorted.every((member) => member.stratum === null)) return sorted.map((member) => member.agentId);
  const strata = new Map<string, string[]>();
  for (const member of sorted) {
    const stratum = member.stratum ?? '';
    const list = strata.get(stratum);
    if (list === undefined) strata.set(stratum, [member.agentId]);
    else list.push(member.agentId);
  }
  const lanes = [...strata.entries()]
    .map(([stratum, agentIds]) => ({ key: stratumKey(rolloutId, stratum), stratum, agentIds }))
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : a.stratum < b.stratum ? -1 : 1));
  const order: string[] = [];
  for (let round = 0; order.length < sorted.length; round += 1) {
    for (const lane of lanes) {
      const agentId = lane.agentIds[round];
      if (agentId !== undefined) order.push(agentId);
    }
  }
  return order;
}
