export { catalogEntry, EVENT_CATALOG, EVENT_FAMILIES } from './catalog';
export type { CatalogEntry, EventFamily } from './catalog';
export { catalogFiles, catalogIndex, eventJsonSchema } from './json-schemas';
export type { CatalogIndexEntry, JsonSchema } from './json-schemas';
export { CLOUDEVENTS_SPEC_VERSION, cloudEventHeaders, EVENT_SOURCES, publishedEventHeaders } from './cloud-events';
export type { CloudEventFacts } from './cloud-events';
