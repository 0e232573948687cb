import { z } from 'zod';
import { statusOf } from '../errors/error-statuses';
import type { OperationRunner } from '../operations/operation-runner';
import { errorCodesOf, HTTP_ROUTES, OPENAPI_PATH, type HttpRoute } from './http-routes';
import { API_SCHEMAS, RESPONSE_SCHEMAS } from './response-schemas';

type JsonSchema = Record<string, unknown>;

const ref = (id: string) => `#/components/schemas/${id}`;

function strip(schema: JsonSchema): JsonSchema {
  const { $schema: _schema, $id: _id, ...rest } = schema;
  return rest;
}

/** One zod schema as JSON Schema, with any named schema it holds as a reference to its component. */
function jsonSchema(schema: z.ZodType): JsonSchema {
  const id = API_SCHEMAS.get(schema)?.id;
  if (id !== undefined) return { $ref: ref(id) };
  return strip(z.toJSONSchema(schema, { io: 'output', unrepresentable: 'any' }) as JsonSchema);
}

const TAGS = [
  { name: 'configs', description: 'Named, versioned collector configs (content-addressed by SHA-256)' },
  { name: 'agents', description: 'Agents (OpenTelemetry Collectors) connected over OpAMP' },
  { name: 'groups', description: 'Agent counters of the fleet and of each group (service.environment)' },
  { name: 'rollouts', description: 'Gated rollouts of a config, phase by phase, with per-agent rollback' },
  { name: 'enrolment', description: 'Agent enrolment tokens: per-group or per-agent credentials for the gateways, hashed at rest, expiring, revocable' },
  { name: 'audit', description: 'The audit trail of writes' },
  { name: 'caller', description: 'Who the token belongs to and what it may do' },
  { name: 'original', description: 'The original design\'s endpoints, kept for its users\' scripts (deprecated: use /api/v1)' },
];

const ROLES = { read: 'viewer, operator or admin', write: 'operator or admin', audit: 'admin' } as const;

/** Per status, the codes this route may answer with; each an enum, so clients can switch on them. */
function errorResponses(route: HttpRoute): Record<string, unknown> {
  const byStatus = new Map<number, string[]>();
  for (const code of errorCodesOf(route)) byStatus.set(statusOf(code).http, [...(byStatus.get(statusOf(code).http) ?? []), code]);
  const out: Record<string, unknown> = {};
  for (const [status, codes] of [...byStatus.entries()].sort(([a], [b]) => a - b)) {
    out[String(status)] = {
      description: `Refused: ${codes.map((code) => `\`${code}\``).join(', ')}`,
      content: {
        'application/json': {
          schema: {
            type: 'object',
            additionalProperties: false,
            required: ['error'],
            properties: {
              error: {
                type: 'object',
                additionalProperties: false,
                required: ['code', 'message', 'details'],
                properties: { code: { type: 'string', enum: codes }, message: { type: 'string' }, details: { $ref: ref('ErrorDetails') } },
              },
            },
          },
        },
      },
    };
  }
  return out;
}

const pathNamesOf = (route: HttpRoute) => [...route.path.matchAll(/\{(\w+)\}/g)].map((match) => match[1] as string);

function parametersOf(route: HttpRoute, input: z.ZodType): unknown[] {
  const pathNames = pathNamesOf(route);
  const schema = strip(z.toJSONSchema(input, { io: 'input', unrepresentable: 'any' }) as JsonSchema) as { properties?: Record<string, JsonSchema>; required?: string[] };
  const path = pathNames.map((name) => ({ name, in: 'path', required: true, description: PATH_PARAMETERS[name] ?? name, schema: { type: 'string' } }));
  if (route.input !== 'query') return path;
  const inputNames = new Set(Object.values(route.params ?? {}));
  const query = Object.entries(schema.properties ?? {})
    .filter(([name]) => !pathNames.includes(name) && !inputNames.has(name))
    .map(([name, property]) => ({ name, in: 'query', required: schema.required?.includes(name) ?? false, description: (property.description as string | undefined) ?? QUERY_PARAMETERS[name] ?? name, schema: property }));
  return [...path, ...query];
}

const PATH_PARAMETERS: Record<string, string> = {
  ref: 'A config version: its 64-hex hash, a name (its latest version) or name@version',
  to: 'The newer config version: hash, name or name@version',
  agentId: 'The agent\'s instance uid, canonical text',
  group: 'The group (service.environment)',
  rolloutId: 'The rollout\'s id',
  id: 'The enrolment token\'s id (16 hex characters, as in roost_et_<id>_…)',
};
const QUERY_PARAMETERS: Record<string, string> = {
  offset: 'Items to skip (default 0)',
  limit: 'Items to return (default 50)',
  selector: 'Label selector text, e.g. `service.environment=production,cloud.region in (eu-west-1)`',
  group: 'Only this group (service.environment)',
  connected: 'Only connected (true) or disconnected (false) agents',
  health: 'Only agents in this health state',
  status: 'Only rollouts in this status (not with group)',
  state: 'Only agents in this state',
};

const BODY_SCHEMA_NAMES: Record<string, string> = {
  'config.create': 'CreateConfigRequest',
  'rollout.start': 'StartRolloutRequest',
  'rollout.plan': 'StartRolloutRequest',
  'rollout.start_original': 'OriginalStartRequest',
  'rollout.pause': 'RolloutActionRequest',
  'rollout.resume': 'RolloutActionRequest',
  'rollout.promote': 'RolloutActionRequest',
  'rollout.abort': 'RolloutActionRequest',
  'rollout.rollback': 'RolloutActionRequest',
  'rollout.undo': 'UndoRolloutRequest',
  'enrolment.create': 'CreateEnrolmentTokenRequest',
  'enrolment.revoke': 'RevokeEnrolmentTokenRequest',
};

/** The request body's schema (the operation's input without the path parameters), named. */
function bodySchemaOf(route: HttpRoute, input: z.ZodType): [string, JsonSchema] {
  const schema = strip(z.toJSONSchema(input, { io: 'input', unrepresentable: 'any' }) as JsonSchema) as { properties?: Record<string, unknown>; required?: string[] };
  const pathNames = pathNamesOf(route);
  const properties = Object.fromEntries(Object.entries(schema.properties ?? {}).filter(([name]) => !pathNames.includes(name)));
  const required = (schema.required ?? []).filter((name) => !pathNames.includes(name));
  const name = BODY_SCHEMA_NAMES[route.operation] ?? `${route.operation}.request`;
  return [name, { ...schema, properties, ...(required.length > 0 ? { required } : { required: undefined }) }];
}

const SSE_DESCRIPTION = 'Server-sent events: `event: rollout` (`id` = the rollout\'s version, `data` = the rollout as JSON) on every change, then one `event: end` and the stream closes. Comment lines keep it alive.';

function successOf(route: HttpRoute): Record<string, unknown> {
  const schema = RESPONSE_SCHEMAS[route.operation];
  if (schema === undefined) throw new Error(`${route.operation} has no response schema`);
  const location = { Location: { description: 'Where the created resource is read', schema: { type: 'string' } } };
  if (route.stream) return { [String(route.status)]: { description: route.summary, content: { 'text/event-stream': { schema: { $ref: ref('RolloutEventStream') } } } } };
  const body = { content: { 'application/json': { schema: jsonSchema(schema) } } };
  if (route.operation === 'config.create') {
    return {
      '200': { description: 'The content already was the name\'s latest version; nothing was written (`created: false`)', ...body },
      '201': { description: 'Stored as a new version', headers: location, ...body },
    };
  }
  return { [String(route.status)]: { description: route.summary, ...(route.status === 201 || route.status === 202 ? { headers: location } : {}), ...body } };
}

/** Components that only the document needs: error details and the SSE event types. */
function extraComponents(): Record<string, JsonSchema> {
  return {
    ErrorDetails: {
      type: 'object',
      description: 'What was wrong: `issues` [{path, message}] for request.invalid, `field` for a domain refusal, and each code\'s own (see docs/api.md)',
      additionalProperties: true,
    },
    RolloutProgressEvent: {
      type: 'object',
      description: 'An `event: rollout` message: the rollout after a change',
      additionalProperties: false,
      required: ['event', 'id', 'data'],
      properties: { event: { const: 'rollout' }, id: { type: 'string', description: 'the rollout\'s version' }, data: { $ref: ref('Rollout') } },
    },
    RolloutEndEvent: {
      type: 'object',
      description: 'The last message, `event: end`: why the stream ends',
      additionalProperties: false,
      required: ['event', 'data'],
      properties: {
        event: { const: 'end' },
        data: {
          type: 'object',
          additionalProperties: false,
          required: ['rolloutId', 'reason', 'status'],
          properties: { rolloutId: { type: 'string' }, reason: { type: 'string' }, status: { type: ['string', 'null'], description: 'the rollout\'s last status, null when none was seen' } },
        },
      },
    },
    RolloutEventStream: {
      type: 'array',
      description: SSE_DESCRIPTION,
      items: { oneOf: [{ $ref: ref('RolloutProgressEvent') }, { $ref: ref('RolloutEndEvent') }], discriminator: { propertyName: 'event' } },
    },
  };
}

/** The OpenAPI 3.1 document of the HTTP API, generated from the route table and the schemas. */
export function openApiDocument(runner: OperationRunner): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  const bodies: Record<string, JsonSchema> = {};
  for (const route of HTTP_ROUTES) {
    const op = runner.get(route.operation);
    const item = (paths[route.path] ??= {});
    let requestBody: unknown;
    if (route.input === 'body') {
      const [name, schema] = bodySchemaOf(route, op.input);
      bodies[name] = schema;
      requestBody = { required: true, content: { 'application/json': { schema: { $ref: ref(name) } } } };
    }
    item[route.method.toLowerCase()] = {
      operationId: route.operation,
      tags: [route.tag],
      summary: route.summary,
      description: `${route.description ?? route.summary}\n\nNeeds a token whose role is ${ROLES[op.permission as keyof typeof ROLES] ?? op.permission}.`,
      ...(route.deprecated ? { deprecated: true } : {}),
      'x-permission': op.permission,
      parameters: parametersOf(route, op.input),
      ...(requestBody !== undefined ? { requestBody } : {}),
      responses: { ...successOf(route), ...errorResponses(route) },
    };
  }
  const named = (z.toJSONSchema(API_SCHEMAS, { io: 'output', unrepresentable: 'any', uri: ref, reused: 'inline' }) as { schemas: Record<string, JsonSchema> }).schemas;
  const schemas: Record<string, JsonSchema> = {};
  for (const [id, schema] of Object.entries(named)) schemas[id] = strip(schema);
  return {
    openapi: '3.1.0',
    info: {
      title: 'Roost admin API',
      version: '1.0.0',
      description: `Configs, agents, groups and rollouts of a Roost OpAMP server. Send \`Authorization: Bearer <token>\`. This document is served at ${OPENAPI_PATH}; the same operations are offered over gRPC (roost.admin.v1).`,
      license: { name: 'Apache-2.0', identifier: 'Apache-2.0' },
      contact: { name: 'Roost' },
    },
    servers: [
      {
        url: 'http://{host}:{port}',
        description: 'An admin API (ADMIN_HTTP_PORT, ROOST_HOST); by default on the loopback address',
        variables: { host: { default: '127.0.0.1', description: 'where it listens' }, port: { default: '8080', description: 'its HTTP port' } },
      },
    ],
    tags: TAGS,
    security: [{ bearer: [] }],
    paths,
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'An API token (ROOST_API_TOKENS); without tokens configured, loopback callers need none' } },
      schemas: { ...schemas, ...bodies, ...extraComponents() },
    },
  };
}
