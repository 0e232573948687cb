import {
  DiscardPolicy,
  jetstreamManager,
  RetentionPolicy,
  StorageType,
  type JetStreamManager,
  type StreamConfig,
} from '@nats-io/jetstream';
import { Kvm } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/nats-core';
import { ALL_BUCKETS, ALL_STREAMS, type BucketDeclaration, type StreamDeclaration } from '@roost/contracts';
import { PortError, silentLogger, type Logger } from '@roost/ports';
import { hasJetStreamCode, STREAM_NOT_FOUND } from './nats-errors';

export type TopologyAction = 'created' | 'updated' | 'unchanged';

export interface TopologyChange {
  readonly kind: 'stream' | 'bucket';
  readonly name: string;
  readonly action: TopologyAction;
  /** For `updated`: which settings changed, e.g. `max_age 0ms -> 1000ms`. */
  readonly differences: readonly string[];
}

export interface TopologyOptions {
  readonly streams?: readonly StreamDeclaration[];
  readonly buckets?: readonly BucketDeclaration[];
  readonly logger?: Logger;
}

/** Everything JetStream keeps for KV buckets lives in a stream named `KV_<bucket>`. */
export const kvStreamName = (bucket: string): string => `KV_${bucket}`;

const NANOS_PER_MS = 1_000_000;
const KV_MAX_DUPLICATE_WINDOW_MS = 2 * 60_000;

/**
 * Creates the declared streams and KV buckets, or brings existing ones to the declared
 * settings. Safe to run from every process at every start, concurrently. A setting the server
 * refuses to change rejects with a PortError (`invalid_argument`) naming the stream and setting.
 */
export async function ensureTopology(nc: NatsConnection, options: TopologyOptions = {}): Promise<TopologyChange[]> {
  const logger = options.logger ?? silentLogger;
  const streams = options.streams ?? ALL_STREAMS;
  const buckets = options.buckets ?? ALL_BUCKETS;
  requireClusterForReplicas(nc, Math.max(1, ...streams.map((s) => s.replicas), ...buckets.map((b) => b.replicas)));
  const jsm = await jetstreamManager(nc);
  const changes: TopologyChange[] = [];
  for (const stream of streams) {
    changes.push(await ensureStream(jsm, 'stream', streamWanted(stream)));
  }
  for (const bucket of buckets) {
    changes.push(await ensureBucket(nc, jsm, bucket));
  }
  for (const change of changes) {
    const fields = { kind: change.kind, name: change.name, differences: change.differences };
    if (change.action === 'unchanged') logger.debug(fields, `${change.kind} unchanged`);
    else logger.info(fields, `${change.kind} ${change.action}`);
  }
  return changes;
}

/**
 * One nats-server accepts a stream with 3 replicas in its config and keeps one copy; refusing
 * here is the only way the setting is not silently ignored.
 */
function requireClusterForReplicas(nc: NatsConnection, replicas: number): void {
  if (replicas <= 1 || nc.info?.cluster) return;
  throw new PortError(
    'invalid_argument',
    `${replicas} replicas need a JetStream cluster, but the server at ${nc.getServer()} is not part of one: set NATS_REPLICAS=1 for one nats-server, or point NATS_URL at a cluster`,
  );
}

type WantedStream = Pick<StreamConfig, 'name' | 'subjects' | 'max_age' | 'duplicate_window'> & Partial<StreamConfig>;

function streamWanted(stream: StreamDeclaration): WantedStream {
  return {
    name: stream.name,
    subjects: [...stream.subjects],
    max_age: stream.maxAgeMs * NANOS_PER_MS,
    duplicate_window: stream.duplicateWindowMs * NANOS_PER_MS,
    storage: StorageType.File,
    retention: RetentionPolicy.Limits,
    allow_direct: true,
    max_bytes: stream.maxBytes > 0 ? stream.maxBytes : -1,
    discard: stream.discard === 'new' ? DiscardPolicy.New : DiscardPolicy.Old,
    num_replicas: stream.replicas,
  };
}

function bucketWanted(bucket: BucketDeclaration): WantedStream {
  const window = bucket.ttlMs > 0 ? Math.min(bucket.ttlMs, KV_MAX_DUPLICATE_WINDOW_MS) : KV_MAX_DUPLICATE_WINDOW_MS;
  return {
    name: kvStreamName(bucket.name),
    subjects: [`$KV.${bucket.name}.>`],
    max_age: bucket.ttlMs * NANOS_PER_MS,
    duplicate_window: window * NANOS_PER_MS,
    max_msgs_per_subject: bucket.history,
    num_replicas: bucket.replicas,
  };
}

async function ensureBucket(nc: NatsConnection, jsm: JetStreamManager, bucket: BucketDeclaration): Promise<TopologyChange> {
  const wanted = bucketWanted(bucket);
  if ((await currentConfig(jsm, wanted.name)) === undefined) {
    try {
      await new Kvm(nc).create(bucket.name, {
        history: bucket.history,
        ...(bucket.ttlMs > 0 ? { ttl: bucket.ttlMs } : {}),
        storage: StorageType.File,
        replicas: bucket.replicas,
      });
      return { kind: 'bucket', name: bucket.name, action: 'created', differences: [] };
    } catch (error) {
      // Created by another process between our look and our create: compare with theirs.
      if ((await currentConfig(jsm, wanted.name)) === undefined) throw refusedCreate('bucket', bucket.name, bucket.replicas, error);
    }
  }
  const change = await ensureStream(jsm, 'bucket', wanted);
  return { ...change, name: bucket.name };
}

async function ensureStream(jsm: JetStreamManager, kind: TopologyChange['kind'], wanted: WantedStream): Promise<TopologyChange> {
  let existing = await currentConfig(jsm, wanted.name);
  if (existing === undefined) {
    try {
      await jsm.streams.add(wanted);
      return { kind, name: wanted.name, action: 'created', differences: [] };
    } catch (error) {
      // Another process created it between our look and our add: compare with theirs. The server
      // reports the crossing as "name already in use" or, when five services start at once, as
      // "subjects overlap with an existing stream"; the stream's existence decides, not the code.
      existing = await currentConfig(jsm, wanted.name);
      if (existing === undefined) throw refusedCreate(kind, wanted.name, wanted.num_replicas ?? 1, error);
    }
  }
  const differences = compare(existing, wanted);
  if (differences.length === 0) return { kind, name: wanted.name, action: 'unchanged', differences };
  try {
    await jsm.streams.update(wanted.name, { ...existing, ...wanted });
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new PortError('invalid_argument', `${kind} ${wanted.name} exists with other settings (${differences.join('; ')}) and the server refused to update it: ${reason}${replicasHint(wanted.num_replicas)}`);
  }
  // A server may accept an update and quietly keep a setting (one nats-server keeps one replica).
  const kept = compare((await currentConfig(jsm, wanted.name)) ?? existing, wanted);
  if (kept.length > 0) {
    throw new PortError('invalid_argument', `${kind} ${wanted.name}: the server accepted the update but kept ${kept.join('; ')}${replicasHint(wanted.num_replicas)}`);
  }
  return { kind, name: wanted.name, action: 'updated', differences };
}

function refusedCreate(kind: TopologyChange['kind'], name: string, replicas: number, error: unknown): PortError {
  const reason = error instanceof Error ? error.message : String(error);
  const storage = /insufficient (storage )?resources/.test(reason)
    ? ' (a stream reserves its size limit, NATS_<STREAM>_MAX_BYTES, on every server holding a copy: lower the limit or give JetStream more storage, max_file_store)'
    : '';
  return new PortError('invalid_argument', `the server refused to create ${kind} ${name}: ${reason}${replicasHint(replicas)}${storage}`);
}

function replicasHint(replicas: number | undefined): string {
  if (replicas === undefined || replicas <= 1) return '';
  return ` (${replicas} replicas need a JetStream cluster of at least ${replicas} servers; NATS_REPLICAS=1 on one server)`;
}

async function currentConfig(jsm: JetStreamManager, name: string): Promise<StreamConfig | undefined> {
  try {
    return (await jsm.streams.info(name)).config;
  } catch (error) {
    if (hasJetStreamCode(error, STREAM_NOT_FOUND)) return undefined;
    throw error;
  }
}

function compare(existing: StreamConfig, wanted: WantedStream): string[] {
  const differences: string[] = [];
  const have = [...existing.subjects].sort().join(',');
  const want = [...wanted.subjects].sort().join(',');
  if (have !== want) differences.push(`subjects [${have}] -> [${want}]`);
  const durations = ['max_age', 'duplicate_window'] as const;
  for (const field of durations) {
    if (existing[field] !== wanted[field]) {
      differences.push(`${field} ${existing[field] / NANOS_PER_MS}ms -> ${wanted[field] / NANOS_PER_MS}ms`);
    }
  }
  const counts = ['max_msgs_per_subject', 'max_bytes', 'discard', 'num_replicas'] as const;
  for (const field of counts) {
    if (wanted[field] !== undefined && existing[field] !== wanted[field]) differences.push(`${field} ${existing[field]} -> ${wanted[field]}`);
  }
  return differences;
}
