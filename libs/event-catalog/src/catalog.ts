import {
  AUDIT_EVENT_SCHEMA_VERSION,
  AUDIT_EVENT_TYPES,
  auditRecordSchema,
  FLEET_EVENT_KINDS,
  FLEET_EVENT_SCHEMA_VERSION,
  fleetEventBaseSchema,
  STREAMS,
  subjects,
} from '@roost/contracts';
import { ROLLOUT_EVENT_SCHEMA_VERSION, ROLLOUT_EVENT_SCHEMAS, ROLLOUT_EVENT_TYPES } from '@roost/rollout';
import { z } from 'zod';

/** The streams other teams read, by the short name used in CloudEvents types and schema paths. */
export const EVENT_FAMILIES = ['rollout', 'fleet', 'audit'] as const;
export type EventFamily = (typeof EVENT_FAMILIES)[number];

/** One published event type at one schema version. */
export interface CatalogEntry {
  readonly family: EventFamily;
  readonly stream: string;
  /** The subjects it is published on (a NATS wildcard pattern). */
  readonly subjects: string;
  readonly type: string;
  /** The major schema version (`schemaVersion` in the event). */
  readonly version: number;
  /** CloudEvents `type` (`ce-type`): `roost.<family>.<type>`. */
  readonly ceType: string;
  /** CloudEvents `dataschema` (`ce-dataschema`), also the JSON Schema's `$id`. */
  readonly dataschema: string;
  /** Path of its JSON Schema under docs/events/schemas (and under the admin API's /api/v1/events/schemas). */
  readonly path: string;
  readonly schema: z.ZodType;
}

function entry(family: EventFamily, stream: string, subjectPattern: string, type: string, version: number, schema: z.ZodType): CatalogEntry {
  return {
    family,
    stream,
    subjects: subjectPattern,
    type,
    version,
    ceType: `roost.${family}.${type}`,
    dataschema: `urn:roost:events:${family}:${type}:v${version}`,
    path: `${family}/${type}.v${version}.json`,
    schema,
  };
}

/** A fleet event of one kind: `type` that kind, `changes` starting with it. */
function fleetEventOf(kind: (typeof FLEET_EVENT_KINDS)[number]): z.ZodType {
  return fleetEventBaseSchema
    .extend({
      type: z.literal(kind),
      changes: fleetEventBaseSchema.shape.changes.meta({ description: `every part this event reports changed, "${kind}" first; readers ignore parts they do not know` }),
    })
    .meta({ title: `fleet ${kind}`, description: `An agent's ${kind} changed (first of \`changes\`), with its whole current snapshot.` });
}

/**
 * Every event type Roost publishes, made from each stream's own list (the rollout schemas, the
 * fleet event kinds, the audit types): nothing here is a second list to keep in step.
 */
export const EVENT_CATALOG: readonly CatalogEntry[] = [
  ...ROLLOUT_EVENT_TYPES.map((type) => entry('rollout', STREAMS.rolloutEvents.name, subjects.rolloutEventsAll, type, ROLLOUT_EVENT_SCHEMA_VERSION, ROLLOUT_EVENT_SCHEMAS[type])),
  ...FLEET_EVENT_KINDS.map((kind) => entry('fleet', STREAMS.fleetEvents.name, subjects.fleetAll, kind, FLEET_EVENT_SCHEMA_VERSION, fleetEventOf(kind))),
  ...AUDIT_EVENT_TYPES.map((type) =>
    entry('audit', STREAMS.audit.name, subjects.auditAll, type, AUDIT_EVENT_SCHEMA_VERSION, auditRecordSchema.meta({ title: type, description: 'One write request to the admin API (allowed, refused or denied).' })),
  ),
];

const byFamilyAndType = new Map(EVENT_CATALOG.map((item) => [`${item.family}/${item.type}`, item]));

/** The catalog entry of a published event, or undefined for a type this version does not publish. */
export function catalogEntry(family: EventFamily, type: string): CatalogEntry | undefined {
  return byFamilyAndType.get(`${family}/${type}`);
}
