import { catalogEntry, type CatalogEntry, type EventFamily } from './catalog';

export const CLOUDEVENTS_SPEC_VERSION = '1.0';

/** What a publisher knows about one event besides its catalog entry. */
export interface CloudEventFacts {
  /** Unique within the source: the event's `id`. */
  readonly id: string;
  /** The event's `at` (ms since the epoch). */
  readonly at: number;
  /** Who published it, as a URI reference: `/roost/orchestrator`, `/roost/gateway/<id>`, `/roost/admin-api`. */
  readonly source: string;
}

/**
 * The CloudEvents 1.0 attributes of a published event in binary content mode (NATS protocol
 * binding): `ce-*` headers beside the unchanged JSON body.
 */
export function cloudEventHeaders(item: Pick<CatalogEntry, 'ceType' | 'dataschema'>, facts: CloudEventFacts): Record<string, string> {
  return {
    'ce-specversion': CLOUDEVENTS_SPEC_VERSION,
    'ce-type': item.ceType,
    'ce-source': facts.source,
    'ce-id': facts.id,
    'ce-time': new Date(facts.at).toISOString(),
    'ce-dataschema': item.dataschema,
    'content-type': 'application/json',
  };
}

/** `ce-source` of each publisher. */
export const EVENT_SOURCES = {
  orchestrator: '/roost/orchestrator',
  gateway: (gatewayId: string): string => `/roost/gateway/${gatewayId}`,
  adminApi: '/roost/admin-api',
} as const;

/**
 * The headers a publisher appends an event with. Throws for a type the catalog lacks: every
 * type a publisher can write is in it, so that is a bug, not bad input.
 */
export function publishedEventHeaders(family: EventFamily, event: { readonly type: string; readonly id: string; readonly at: number }, source: string): Record<string, string> {
  const item = catalogEntry(family, event.type);
  if (item === undefined) throw new Error(`${family} event type ${JSON.stringify(event.type)} is not in the event catalog`);
  return cloudEventHeaders(item, { id: event.id, at: event.at, source });
}
