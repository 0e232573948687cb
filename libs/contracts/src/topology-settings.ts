import { ALL_BUCKETS, ALL_STREAMS, type BucketDeclaration, type StreamDeclaration } from './topology';

/**
 * The settings that shape the NATS topology, read the same way by every service: the replica
 * count of every stream and bucket, and each stream's age and size limits. Every process of a
 * deployment must get the same values (each one brings the streams to its settings at start).
 */
export interface TopologySettingSpec {
  /** Environment variable, e.g. `NATS_REPLICAS`. */
  readonly env: string;
  /** Command-line flag without dashes, e.g. `nats-replicas`. */
  readonly flag: string;
  readonly fallback: string;
  readonly help: string;
}

export interface Topology {
  readonly streams: readonly StreamDeclaration[];
  readonly buckets: readonly BucketDeclaration[];
}

/** A topology setting that cannot be used; the message names the variable and the fix. */
export class TopologySettingError extends Error {
  readonly code = 'topology.bad_setting';
}

const DURATION_UNITS_MS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const BYTE_UNITS: Record<string, number> = { '': 1, b: 1, kib: 1024, mib: 1024 ** 2, gib: 1024 ** 3, tib: 1024 ** 4, kb: 1e3, mb: 1e6, gb: 1e9, tb: 1e12 };

/** JetStream keeps at most five copies of a stream. */
export const MAX_REPLICAS = 5;

const REPLICAS: TopologySettingSpec = {
  env: 'NATS_REPLICAS',
  flag: 'nats-replicas',
  fallback: '1',
  help: `copies of every stream and key-value bucket (1-${MAX_REPLICAS}); 1 on one nats-server, 3 on a JetStream cluster of three or more`,
};

const limitSpecs = (stream: StreamDeclaration): [TopologySettingSpec, TopologySettingSpec] => [
  {
    env: `NATS_${stream.name}_MAX_AGE`,
    flag: `nats-${flagPart(stream.name)}-max-age`,
    fallback: formatDuration(stream.maxAgeMs),
    help: `${stream.name}: oldest message kept (e.g. 7d, 12h, 30m; 0 = forever)`,
  },
  {
    env: `NATS_${stream.name}_MAX_BYTES`,
    flag: `nats-${flagPart(stream.name)}-max-bytes`,
    fallback: formatBytes(stream.maxBytes),
    help: `${stream.name}: most bytes kept per copy (e.g. 20GiB, 512MiB; 0 = no limit); when full it ${stream.discard === 'old' ? 'drops its oldest messages' : 'refuses appends'}`,
  },
];

/** Every topology setting, in the order `--help` lists them. */
export const TOPOLOGY_SETTINGS: readonly TopologySettingSpec[] = [REPLICAS, ...ALL_STREAMS.flatMap(limitSpecs)];

/**
 * The declared topology with the given settings applied; `read` returns a setting's raw value
 * by its environment variable name (undefined or blank = the default).
 */
export function topologyFromSettings(read: (env: string) => string | undefined, base: Topology = { streams: ALL_STREAMS, buckets: ALL_BUCKETS }): Topology {
  const value = (spec: TopologySettingSpec): string | undefined => {
    const text = read(spec.env)?.trim();
    return text === undefined || text === '' ? undefined : text;
  };
  const replicasText = value(REPLICAS);
  const replicas = replicasText === undefined ? undefined : parseReplicas(replicasText);
  const streams = base.streams.map((stream): StreamDeclaration => {
    const [age, bytes] = limitSpecs(stream);
    const ageText = value(age);
    const bytesText = value(bytes);
    return {
      ...stream,
      ...(replicas === undefined ? {} : { replicas }),
      ...(ageText === undefined ? {} : { maxAgeMs: parseDuration(ageText, age) }),
      ...(bytesText === undefined ? {} : { maxBytes: parseByteSize(bytesText, bytes) }),
    };
  });
  const buckets = base.buckets.map((bucket): BucketDeclaration => (replicas === undefined ? bucket : { ...bucket, replicas }));
  return { streams, buckets };
}

function parseReplicas(text: string): number {
  const count = Number(text);
  if (!/^\d+$/.test(text) || count < 1 || count > MAX_REPLICAS) {
    throw new TopologySettingError(`${describe(REPLICAS)} must be a whole number from 1 to ${MAX_REPLICAS}, got "${text}"`);
  }
  return count;
}

/** `7d`, `12h`, `30m`, `45s`, `500ms` or `0` (forever) as milliseconds. */
export function parseDuration(text: string, spec: TopologySettingSpec): number {
  if (text === '0') return 0;
  const match = /^(\d+)(ms|s|m|h|d)$/.exec(text);
  if (!match) throw new TopologySettingError(`${describe(spec)} must be a duration like 7d, 12h, 30m, 45s or 0 (forever), got "${text}"`);
  return Number(match[1]) * (DURATION_UNITS_MS[match[2] as string] as number);
}

/** `20GiB`, `512MiB`, `10GB`, a plain byte count, or `0` (no limit) as bytes. */
export function parseByteSize(text: string, spec: TopologySettingSpec): number {
  const match = /^(\d+)\s*([a-z]*)$/i.exec(text);
  const unit = match ? BYTE_UNITS[(match[2] as string).toLowerCase()] : undefined;
  if (!match || unit === undefined) throw new TopologySettingError(`${describe(spec)} must be a size like 20GiB, 512MiB, 10GB, a byte count or 0 (no limit), got "${text}"`);
  return Number(match[1]) * unit;
}

function formatDuration(ms: number): string {
  if (ms === 0) return '0 (forever)';
  for (const [unit, size] of Object.entries(DURATION_UNITS_MS).reverse()) if (ms % size === 0) return `${ms / size}${unit}`;
  return `${ms}ms`;
}

function formatBytes(bytes: number): string {
  if (bytes === 0) return '0 (no limit)';
  for (const unit of ['TiB', 'GiB', 'MiB', 'KiB']) {
    const size = BYTE_UNITS[unit.toLowerCase()] as number;
    if (bytes % size === 0) return `${bytes / size}${unit}`;
  }
  return String(bytes);
}

function flagPart(streamName: string): string {
  return streamName.toLowerCase().replaceAll('_', '-');
}

function describe(spec: TopologySettingSpec): string {
  return `--${spec.flag} (${spec.env})`;
}
