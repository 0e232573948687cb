import { assertNever } from './assert-never';
import type { Selector, SelectorRequirement } from './selector';

const BARE_VALUE = /^[A-Za-z0-9._\-/:@+~%*]+$/;

/** Canonical text of a selector; `parseSelector(formatSelector(s))` gives `s` back. */
export function formatSelector(selector: Selector): string {
  return selector.requirements.map(formatRequirement).join(',');
}

function formatRequirement(requirement: SelectorRequirement): string {
  switch (requirement.op) {
    case 'equals':
      return `${requirement.key}=${formatValue(requirement.value)}`;
    case 'not_equals':
      return `${requirement.key}!=${formatValue(requirement.value)}`;
    case 'in':
      return `${requirement.key} in (${requirement.values.map(formatValue).join(',')})`;
    case 'not_in':
      return `${requirement.key} notin (${requirement.values.map(formatValue).join(',')})`;
    case 'exists':
      return requirement.key;
    case 'not_exists':
      return `!${requirement.key}`;
    default:
      return assertNever(requirement);
  }
}

function formatValue(value: string): string {
  return BARE_VALUE.test(value) ? value : JSON.stringify(value);
}
