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

/**
 * A rollout as the API shows it: the original design's status object (`id`, `group`,
 * `current_phase`, `started_at`, `updated_agents`, `total_agents`, `status`) with every field
 * Roost adds, its phases and failure groups, and (on a full read) its transitions.
 */
export type RolloutResource = RolloutStatusView &
  OriginalRolloutStatus & {
    readonly phases: readonly PhaseView[];
    readonly failures: readonly FailureGroup[];
    readonly transitions?: readonly RolloutTransition[];
  };

export type RolloutListItem = RolloutStatusView & OriginalRolloutStatus;

const TERMINAL = new Set(['completed', 'rolled_back', 'aborted', 'failed']);

export function isTerminal(status: string): boolean {
  return TERMINAL.has(status);
}

export async function readRolloutResource(views: ViewStore, rolloutId: string, options: { transitions: boolean }): Promise<RolloutResource | null> {
  const detail = await readRolloutDetail(views, rolloutId);
  if (detail === null) return null;
  const resource = { ...detail.status, ...originalStatus(detail.status), phases: detail.phases, failures: detail.failures };
  return options.transitions ? { ...resource, transitions: detail.transitions } : resource;
}

export async function listRolloutResources(
  views: ViewStore,
  query: { status?: string; group?: string; offset?: number; limit?: number },
): Promise<{ total: number; offset: number; items: RolloutListItem[] }> {
  const offset = query.offset ?? 0;
  const page = await listRollouts(views, { status: query.status, group: query.group, offset, count: query.limit ?? 50 });
  const statuses = await Promise.all(page.items.map((entry) => readRolloutStatus(views, entry.member)));
  const items = statuses.filter((view): view is RolloutStatusView => view !== null).map((view) => ({ ...view, ...originalStatus(view) }));
  return { total: page.total, offset, items };
}
