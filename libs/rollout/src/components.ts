import type { FleetAgent } from '@roost/fleet';

/** What a rollout does with agents lacking a component its config uses: leave them out, refuse the start, or let them take part (and fail). */
export type MissingComponentsPolicy = 'exclude' | 'refuse' | 'include';

/**
 * The components of `required` (`kind/type`) the agent did not report among its
 * AvailableComponents; empty when it reported none (unknown is not lacking).
 */
export function missingComponents(agent: Pick<FleetAgent, 'availableComponents'>, required: readonly string[]): string[] {
  const available = agent.availableComponents;
  if (available === undefined || available === null) return [];
  const has = new Set(available);
  return required.filter((component) => !has.has(component));
}

/** Agents of `agents` lacking some of `required`, with what each lacks, in the order given. */
export function agentsLackingComponents(agents: readonly FleetAgent[], required: readonly string[]): { agentId: string; missing: string[] }[] {
  const lacking: { agentId: string; missing: string[] }[] = [];
  for (const agent of agents) {
    const missing = missingComponents(agent, required);
    if (missing.length > 0) lacking.push({ agentId: agent.agentId, missing });
  }
  return lacking;
}
