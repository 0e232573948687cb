import { z } from 'zod';
import { EVENT_CATALOG, type CatalogEntry } from './catalog';

export type JsonSchema = Record<string, unknown>;

/**
 * The JSON Schema (draft 2020-12) of one published event type and version. Schemas are open:
 * fields added within a major version are not refused by a reader holding an older copy.
 */
export function eventJsonSchema(item: CatalogEntry): JsonSchema {
  const { $schema, ...body } = z.toJSONSchema(item.schema, { target: 'draft-2020-12', io: 'input', unrepresentable: 'throw' }) as JsonSchema;
  return { $schema, $id: item.dataschema, ...body, 'x-roost-stream': item.stream, 'x-roost-subjects': item.subjects, 'x-roost-cloudevents-type': item.ceType };
}

/** A catalog entry as the index lists it: everything but the zod schema. */
export type CatalogIndexEntry = Omit<CatalogEntry, 'schema'>;

/** The list of published event schemas (docs/events/schemas/index.json). */
export function catalogIndex(): { readonly events: CatalogIndexEntry[] } {
  return { events: EVENT_CATALOG.map(({ family, stream, subjects, type, version, ceType, dataschema, path }) => ({ family, stream, subjects, type, version, ceType, dataschema, path })) };
}

/** Every file under docs/events/schemas: path → JSON text (two-space indent, final newline). */
export function catalogFiles(): Map<string, string> {
  const text = (value: unknown): string => `${JSON.stringify(value, null, 2)}\n`;
  const files = new Map<string, string>([['index.json', text(catalogIndex())]]);
  for (const item of EVENT_CATALOG) files.set(item.path, text(eventJsonSchema(item)));
  return files;
}
