import { FLEET_EVENT_KINDS } from '@roost/contracts';
import { ROLLOUT_EVENT_TYPES } from '@roost/rollout';
import { catalogEntry, catalogFiles, cloudEventHeaders, EVENT_CATALOG, EVENT_SOURCES, eventJsonSchema, publishedEventHeaders } from './index';

describe('the event catalog', () => {
  it('lists every rollout type, every fleet kind and the audit record, once each', () => {
    expect(EVENT_CATALOG.filter((item) => item.family === 'rollout').map((item) => item.type)).toEqual(ROLLOUT_EVENT_TYPES);
    expect(EVENT_CATALOG.filter((item) => item.family === 'fleet').map((item) => item.type)).toEqual(FLEET_EVENT_KINDS);
    expect(EVENT_CATALOG.filter((item) => item.family === 'audit').map((item) => item.type)).toEqual(['AdminRequestHandled']);
    for (const key of ['ceType', 'dataschema', 'path'] as const) expect(new Set(EVENT_CATALOG.map((item) => item[key])).size).toBe(EVENT_CATALOG.length);
  });

  it('names each type and version in its CloudEvents type, schema id and path', () => {
    expect(catalogEntry('rollout', 'PhasePassed')).toMatchObject({
      stream: 'ROLLOUT_EVENTS',
      ceType: 'roost.rollout.PhasePassed',
      dataschema: 'urn:roost:events:rollout:PhasePassed:v1',
      path: 'rollout/PhasePassed.v1.json',
    });
    expect(catalogEntry('fleet', 'health')).toMatchObject({ stream: 'FLEET_EVENTS', ceType: 'roost.fleet.health', path: 'fleet/health.v1.json' });
    expect(catalogEntry('rollout', 'RolloutTeleported')).toBeUndefined();
  });

  it('makes open JSON Schemas that say which fields are required and which may be null', () => {
    const schema = eventJsonSchema(catalogEntry('rollout', 'AgentSkipped')!) as { $id: string; required: string[]; properties: Record<string, { type?: unknown; const?: unknown; enum?: unknown }>; additionalProperties?: unknown };
    expect(schema.$id).toBe('urn:roost:events:rollout:AgentSkipped:v1');
    expect(schema.required).toEqual(['type', 'schemaVersion', 'id', 'rolloutId', 'at', 'agentId', 'reason', 'lockedBy']);
    expect(schema.properties['type']).toMatchObject({ const: 'AgentSkipped' });
    expect(schema.properties['lockedBy']).toMatchObject({ type: ['string', 'null'] });
    expect(schema.properties['reason']?.enum).toContain('locked_by_other_rollout');
    expect(schema.additionalProperties).toBeUndefined();
    const fleet = eventJsonSchema(catalogEntry('fleet', 'disconnected')!) as { properties: Record<string, unknown> };
    expect(fleet.properties['type']).toMatchObject({ const: 'disconnected' });
  });

  it('writes one file per entry and an index naming them', () => {
    const files = catalogFiles();
    expect(files.size).toBe(EVENT_CATALOG.length + 1);
    const index = JSON.parse(files.get('index.json')!) as { events: { path: string }[] };
    expect(index.events.map((item) => item.path).sort()).toEqual([...files.keys()].filter((path) => path !== 'index.json').sort());
  });

  it('carries the CloudEvents attributes in binary mode headers', () => {
    expect(cloudEventHeaders(catalogEntry('rollout', 'RolloutStarted')!, { id: 'r1/1', at: Date.UTC(2026, 0, 2, 3, 4, 5, 6), source: '/roost/orchestrator' })).toEqual({
      'ce-specversion': '1.0',
      'ce-type': 'roost.rollout.RolloutStarted',
      'ce-source': '/roost/orchestrator',
      'ce-id': 'r1/1',
      'ce-time': '2026-01-02T03:04:05.006Z',
      'ce-dataschema': 'urn:roost:events:rollout:RolloutStarted:v1',
      'content-type': 'application/json',
    });
  });

  it('gives each publisher the headers of its event, and refuses a type the catalog lacks', () => {
    const event = { type: 'connected', id: 'gw-1.7.3', at: 0 };
    expect(publishedEventHeaders('fleet', event, EVENT_SOURCES.gateway('gw-1'))).toMatchObject({ 'ce-type': 'roost.fleet.connected', 'ce-source': '/roost/gateway/gw-1', 'ce-id': 'gw-1.7.3', 'ce-time': '1970-01-01T00:00:00.000Z' });
    expect(() => publishedEventHeaders('rollout', { ...event, type: 'RolloutTeleported' }, EVENT_SOURCES.orchestrator)).toThrow(/rollout event type "RolloutTeleported" is not in the event catalog/);
  });
});
