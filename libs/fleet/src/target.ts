import { assertNever } from './assert-never';
import type { FleetAgent } from './fleet-agent';
import { matchesSelector, type Selector } from './selector';
import { formatSelector } from './selector-format';

/** The identifying attribute that names an agent's default group (as in the original design). */
export const GROUP_ATTRIBUTE = 'service.environment';

/** What a rollout or a query addresses: a group by name, or a label selector. Plain data. */
export type Target =
  | { readonly kind: 'group'; readonly group: string }
  | { readonly kind: 'selector'; readonly selector: Selector };

type Described = Pick<FleetAgent, 'identifying' | 'nonIdentifying'>;

/** The agent's default group: its `service.environment` identifying attribute, or null. */
export function defaultGroupOf(agent: Described): string | null {
  return Object.prototype.hasOwnProperty.call(agent.identifying, GROUP_ATTRIBUTE) ? (agent.identifying[GROUP_ATTRIBUTE] ?? null) : null;
}

export function matchesTarget(target: Target, agent: Described): boolean {
  switch (target.kind) {
    case 'group':
      return defaultGroupOf(agent) === target.group;
    case 'selector':
      return matchesSelector(target.selector, agent);
    default:
      return assertNever(target);
  }
}

/** Human-readable text for messages: `group production` or `selector a=b,!c`. */
export function describeTarget(target: Target): string {
  switch (target.kind) {
    case 'group':
      return `group ${target.group}`;
    case 'selector':
      return `selector ${formatSelector(target.selector)}`;
    default:
      return assertNever(target);
  }
}
