import { catalogFiles } from '@roost/event-catalog';
import { AdminError } from '../errors/admin-error';

/** Where the published event schemas are served (no token needed, like the OpenAPI document). */
export const EVENT_SCHEMAS_PATH = '/api/v1/events/schemas';

let files: ReadonlyMap<string, unknown> | null = null;

/**
 * The document at a path under EVENT_SCHEMAS_PATH: the index at the path itself, and each schema
 * at `/<family>/<type>.v<version>.json` — the files of docs/events/schemas, made by the same code.
 * Null for a path outside it; AdminError `route.not_found` for a schema that does not exist.
 */
export function eventSchemaAt(pathname: string): unknown {
  if (pathname !== EVENT_SCHEMAS_PATH && !pathname.startsWith(`${EVENT_SCHEMAS_PATH}/`)) return null;
  files ??= new Map([...catalogFiles()].map(([path, text]) => [path, JSON.parse(text) as unknown]));
  const path = pathname === EVENT_SCHEMAS_PATH || pathname === `${EVENT_SCHEMAS_PATH}/` ? 'index.json' : decodeURIComponent(pathname.slice(EVENT_SCHEMAS_PATH.length + 1));
  const document = files.get(path);
  if (document === undefined) throw new AdminError('route.not_found', `no event schema ${path}; ${EVENT_SCHEMAS_PATH} lists them (family/type.vN.json)`);
  return document;
}
