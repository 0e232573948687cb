import type { ViewStore } from '@roost/ports';
import { REBUILD_MARKER_KEY, VIEWS_BUILT_KEY } from './view-keys';

/** `built`: the views hold what the streams say (maybe a little behind); otherwise reads would mislead. */
export type ViewsState = 'built' | 'rebuilding' | 'not_built';

/** Said by the projector once its views are built from the streams (at start, after each rebuild). */
export async function markViewsBuilt(views: ViewStore): Promise<void> {
  // Always 1: a rebuild from the same streams leaves the same views, marker included.
  await views.applyOnce(VIEWS_BUILT_KEY, 1, []);
}

/** Whether the views can be read: neither being rebuilt nor wiped (a Redis flush) since they were built. */
export async function viewsState(views: ViewStore): Promise<ViewsState> {
  const [rebuilding, built] = await Promise.all([views.checkpoint(REBUILD_MARKER_KEY), views.checkpoint(VIEWS_BUILT_KEY)]);
  if (rebuilding > 0) return 'rebuilding';
  return built > 0 ? 'built' : 'not_built';
}
