import { assertNever } from './assert-never';
import { attributeOf, type FleetAgent } from './fleet-agent';

/**
 * One clause of a label selector. Keys are looked up in the identifying attributes first,
 * then the non-identifying ones. As in Kubernetes, `not_equals` and `not_in` also match
 * agents that lack the key.
 */
export type SelectorRequirement =
  | { readonly op: 'equals'; readonly key: string; readonly value: string }
  | { readonly op: 'not_equals'; readonly key: string; readonly value: string }
  | { readonly op: 'in'; readonly key: string; readonly values: readonly string[] }
  | { readonly op: 'not_in'; readonly key: string; readonly values: readonly string[] }
  | { readonly op: 'exists'; readonly key: string }
  | { readonly op: 'not_exists'; readonly key: string };

/** A conjunction of requirements; plain data, JSON-serialisable. */
export interface Selector {
  readonly requirements: readonly SelectorRequirement[];
}

type Described = Pick<FleetAgent, 'identifying' | 'nonIdentifying'>;

export function matchesRequirement(requirement: SelectorRequirement, agent: Described): boolean {
  const actual = attributeOf(agent, requirement.key);
  switch (requirement.op) {
    case 'equals':
      return actual === requirement.value;
    case 'not_equals':
      return actual !== requirement.value;
    case 'in':
      return actual !== undefined && requirement.values.includes(actual);
    case 'not_in':
      return actual === undefined || !requirement.values.includes(actual);
    case 'exists':
      return actual !== undefined;
    case 'not_exists':
      return actual === undefined;
    default:
      return assertNever(requirement);
  }
}

/** True when the agent satisfies every requirement (an empty selector matches every agent). */
export function matchesSelector(selector: Selector, agent: Described): boolean {
  return selector.requirements.every((requirement) => matchesRequirement(requirement, agent));
}

