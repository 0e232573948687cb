import type { ViewStore } from '@roost/ports';
import {
  listRollouts,
  originalStatus,
  readRolloutDetail,
  readRolloutStatus,
  type FailureGroup,
  type OriginalRolloutStatus,
  type PhaseView,
  type RolloutStatusView,
  type RolloutTransition,
} from '@roost/views';

/** A rollout as the API shows it (camelCase; the view's `id` is `rolloutId`). */
export type RolloutListItem = Omit<RolloutStatusView, 'id'> & { readonly rolloutId: string };

/** A rollout with its phases and failure groups and (on a full read) its transitions. */
export type RolloutResource = RolloutListItem & {
  readonly phases: readonly PhaseView[];
  readonly failures: readonly FailureGroup[];
  readonly transitions?: readonly RolloutTransition[];
};

const TERMINAL = new Set(['completed', 'rolled_back', 'aborted', 'failed']);

export function isTerminal(status: string): boolean {
  return TERMINAL.has(status);
}

export function rolloutItem(view: RolloutStatusView): RolloutListItem {
  const { id, ...rest } = view;
  return { rolloutId: id, ...rest };
}

export async function readRolloutResource(views: ViewStore, rolloutId: string, options: { transitions: boolean }): Promise<RolloutResource | null> {
  const detail = await readRolloutDetail(views, rolloutId);
  if (detail === null) return null;
  const resource = { ...rolloutItem(detail.status), phases: detail.phases, failures: detail.failures };
  return options.transitions ? { ...resource, transitions: detail.transitions } : resource;
}

/** The original design's status object of a rollout; null when there is none. */
export async function readOriginalStatus(views: ViewStore, rolloutId: string): Promise<OriginalRolloutStatus | null> {
  const view = await readRolloutStatus(views, rolloutId);
  return view === null ? null : originalStatus(view);
}

export async function listRolloutResources(
  views: ViewStore,
  query: { status?: string; group?: string; offset?: number; limit?: number },
): Promise<{ total: number; offset: number; items: RolloutListItem[] }> {
  const offset = query.offset ?? 0;
  const page = await listRollouts(views, { status: query.status, group: query.group, offset, count: query.limit ?? 50 });
  const statuses = await Promise.all(page.items.map((entry) => readRolloutStatus(views, entry.member)));
  const items = statuses.filter((view): view is RolloutStatusView => view !== null).map(rolloutItem);
  return { total: page.total, offset, items };
}
