import type { Caller } from './api-types';

/** What every view gets: where to draw, who is looking, and a signal that aborts when the person navigates away. */
export interface Page {
  readonly main: HTMLElement;
  readonly caller: Caller | null;
  readonly signal: AbortSignal;
  /** Shows a failure (an ApiError in plain words) above the page; null clears it. */
  problem(error: unknown): void;
  /** Goes to another view (`#/rollouts/<id>`). */
  go(hash: string): void;
}

export function may(page: Page, permission: 'write' | 'audit'): boolean {
  return page.caller?.permissions.includes(permission) ?? false;
}
