import { z } from 'zod';
import { ERROR_STATUSES } from '../errors/error-statuses';
import type { OperationRunner } from '../operations/operation-runner';
import { HTTP_ROUTES, type HttpRoute } from './http-routes';
import { errorSchema, RESPONSE_SCHEMAS } from './response-schemas';

type JsonSchema = Record<string, unknown>;

const jsonSchema = (schema: z.ZodType): JsonSchema => {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, { io: 'output', unrepresentable: 'any' }) as JsonSchema;
  return rest;
};

/** Error statuses a route may answer, each with the codes behind it. */
function errorResponses(route: HttpRoute): Record<string, unknown> {
  const byStatus = new Map<number, string[]>();
  for (const [code, status] of Object.entries(ERROR_STATUSES)) byStatus.set(status.http, [...(byStatus.get(status.http) ?? []), code]);
  const relevant = route.method === 'GET' ? [400, 401, 403, 404, 503] : [400, 401, 403, 404, 409, 413, 415, 422, 503];
  const out: Record<string, unknown> = {};
  for (const status of relevant) {
    out[String(status)] = { description: `codes: ${(byStatus.get(status) ?? []).join(', ')}`, content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } };
  }
  return out;
}

function parametersOf(route: HttpRoute, input: z.ZodType): unknown[] {
  const pathNames = [...route.path.matchAll(/\{(\w+)\}/g)].map((match) => match[1] as string);
  const path = pathNames.map((name) => ({ name, in: 'path', required: true, schema: { type: 'string' } }));
  if (route.input !== 'query') return path;
  const schema = jsonSchema(input) as { properties?: Record<string, unknown>; required?: string[] };
  const query = Object.entries(schema.properties ?? {})
    .filter(([name]) => !pathNames.includes(name))
    .map(([name, property]) => ({ name, in: 'query', required: schema.required?.includes(name) ?? false, schema: property }));
  return [...path, ...query];
}

function requestBodyOf(route: HttpRoute, input: z.ZodType): unknown {
  if (route.input !== 'body') return undefined;
  const schema = jsonSchema(input) as { properties?: Record<string, unknown>; required?: string[] };
  const pathNames = [...route.path.matchAll(/\{(\w+)\}/g)].map((match) => match[1] as string);
  const properties = Object.fromEntries(Object.entries(schema.properties ?? {}).filter(([name]) => !pathNames.includes(name)));
  const required = (schema.required ?? []).filter((name) => !pathNames.includes(name));
  return { required: required.length > 0, content: { 'application/json': { schema: { ...schema, properties, required } } } };
}

function successOf(route: HttpRoute): Record<string, unknown> {
  const schema = jsonSchema(RESPONSE_SCHEMAS[route.operation] ?? z.unknown());
  const content = route.stream
    ? { 'text/event-stream': { schema: { type: 'string', description: '`event: rollout` with the rollout as `data` (JSON) on every change, then `event: end`', 'x-event-data': schema } } }
    : { 'application/json': { schema } };
  return { [String(route.status)]: { description: route.summary, content } };
}

/** The OpenAPI 3.1 document of the HTTP API, generated from the route table and the schemas. */
export function openApiDocument(runner: OperationRunner, serverUrl?: string): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of HTTP_ROUTES) {
    const op = runner.get(route.operation);
    const item = (paths[route.path] ??= {});
    item[route.method.toLowerCase()] = {
      operationId: route.operation,
      tags: [route.tag],
      summary: route.summary,
      'x-permission': op.permission,
      parameters: parametersOf(route, op.input),
      ...(route.input === 'body' ? { requestBody: requestBodyOf(route, op.input) } : {}),
      responses: { ...successOf(route), ...errorResponses(route) },
    };
  }
  return {
    openapi: '3.1.0',
    info: { title: 'Roost admin API', version: '1.0.0', description: 'Configs, agents, groups and rollouts of a Roost OpAMP server. Send `Authorization: Bearer <token>`.' },
    ...(serverUrl !== undefined ? { servers: [{ url: serverUrl }] } : {}),
    security: [{ bearer: [] }],
    paths,
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } },
      schemas: { Error: jsonSchema(errorSchema) },
    },
  };
}
