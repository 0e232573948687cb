/**
 * The admin API serves the published event schemas, without a token, exactly as they are
 * committed in docs/events/schemas (which `npm run events:check` keeps equal to the code).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EVENT_SCHEMAS_PATH, sha256Hex, startAdminApi, type RunningAdminApi } from '@roost/admin-api';
import { createMemoryPlatform } from '@roost/platform-memory';
import type { Platform } from '@roost/ports';

const SCHEMAS = join(__dirname, '../../docs/events/schemas');
const committed = (path: string): unknown => JSON.parse(readFileSync(join(SCHEMAS, path), 'utf8'));
/** `<source>/<Type>.v<n>.json` of every schema file committed, sorted. */
const committedSchemaPaths = (): string[] =>
  readdirSync(SCHEMAS, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .flatMap((dir) => readdirSync(join(SCHEMAS, dir.name)).map((file) => `${dir.name}/${file}`))
    .sort();

describe('event schemas served by the admin API', () => {
  let platform: Platform;
  let api: RunningAdminApi;
  beforeAll(async () => {
    platform = createMemoryPlatform();
    // Tokens configured: the schemas are public all the same, like the OpenAPI document.
    api = await startAdminApi({ httpPort: 0, grpcPort: null, tokens: [{ name: 'ops', role: 'operator', sha256: sha256Hex('secret') }] }, platform);
  });
  afterAll(async () => {
    await api.stop();
    await platform.close();
  });
  const get = async (path: string): Promise<{ status: number; body: unknown }> => {
    const response = await fetch(`${api.url}${path}`);
    return { status: response.status, body: (await response.json()) as unknown };
  };

  it('serves the index and every schema it lists, as committed', async () => {
    const index = await get(EVENT_SCHEMAS_PATH);
    expect(index).toEqual({ status: 200, body: committed('index.json') });
    const paths = (index.body as { events: { path: string }[] }).events.map((event) => event.path);
    // Every committed schema file is listed: none served that is not committed, none committed left out.
    expect([...paths].sort()).toEqual(committedSchemaPaths());
    for (const path of paths) expect(await get(`${EVENT_SCHEMAS_PATH}/${path}`)).toEqual({ status: 200, body: committed(path) });
  });

  it('answers 404 naming the index for a schema that does not exist', async () => {
    const missing = await get(`${EVENT_SCHEMAS_PATH}/rollout/RolloutTeleported.v1.json`);
    expect(missing.status).toBe(404);
    expect(missing.body).toMatchObject({ error: { code: 'route.not_found', message: expect.stringContaining(EVENT_SCHEMAS_PATH) } });
  });
});
