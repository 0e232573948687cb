import { DeliverPolicy, type JsMsg } from '@nats-io/jetstream';
import type { KvEntry, KvOperation, Logger, Subscription } from '@roost/ports';
import { kvStreamName } from './ensure-topology';
import { ResumableConsumer, type JetStreamAccess } from './resumable-consumer';

export interface KvWatchSpec {
  readonly bucket: string;
  /** A key or a wildcard (`>`). */
  readonly key: string;
  /** Replays the current value of every key first; otherwise starts after `afterRevision`. */
  readonly includeInitial: boolean;
  readonly afterRevision: number;
  readonly logger: Logger;
}

/**
 * Watches a bucket through ordered consumers on its stream (see ResumableConsumer). When a
 * consumer is lost the next one replays the last value of every key, and each key's entries
 * reach the handler once, newest revision last: nothing a lost node hid is missed, and a lost
 * node costs seconds (nats.js's own KV watch sits on a push consumer with 30 s heartbeats and
 * waits on a consumer whose server is down). Resolves once the initial replay (if asked for)
 * has been handed over.
 */
export async function watchBucket(jetStream: JetStreamAccess, spec: KvWatchSpec, handler: (entry: KvEntry) => void): Promise<Subscription> {
  let lost = false;
  const consumer = new ResumableConsumer(jetStream, {
    stream: kvStreamName(spec.bucket),
    filterSubject: `$KV.${spec.bucket}.${spec.key}`,
    start: spec.includeInitial ? { deliver_policy: DeliverPolicy.LastPerSubject } : { deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: spec.afterRevision + 1 },
    restart: { deliver_policy: DeliverPolicy.LastPerSubject },
    pullMessages: 1_000,
    onNote: (note) => {
      if ((note.type === 'heartbeats_missed' || note.type === 'replaced') && !lost) {
        lost = true;
        spec.logger.warn({ bucket: spec.bucket, key: spec.key }, 'kv watch lost its server-side consumer; replacing it and replaying the last value of every key');
      } else if (note.type === 'next' && lost) {
        lost = false;
        spec.logger.warn({ bucket: spec.bucket, key: spec.key }, 'kv watch reads again');
      }
    },
  });
  const { messages, pending } = await consumer.open();
  let initialLeft = spec.includeInitial ? pending : 0;
  let replayed: () => void = () => undefined;
  const replay = new Promise<void>((resolve) => (replayed = resolve));
  if (initialLeft === 0) replayed();
  const prefix = `$KV.${spec.bucket}.`;
  /** The newest revision handed over per key. */
  const delivered = new Map<string, number>();
  const pump = async (): Promise<void> => {
    for await (const msg of messages) {
      const initial = initialLeft > 0;
      if (initial) initialLeft--;
      const entry = toEntry(spec.bucket, prefix, msg);
      const known = delivered.get(entry.key);
      // The initial replay shows what is there now: delete markers of vanished keys are no news.
      const news = entry.revision > (known ?? spec.afterRevision) && !(initial && known === undefined && entry.operation !== 'PUT');
      if (news) {
        delivered.set(entry.key, entry.revision);
        deliver(handler, entry, spec.logger);
      }
      if (initial && initialLeft === 0) replayed();
    }
    replayed();
  };
  pump().catch((error: unknown) => spec.logger.error({ bucket: spec.bucket, error: String(error) }, 'kv watch ended'));
  await replay;
  return { unsubscribe: () => consumer.stop() };
}

function toEntry(bucket: string, prefix: string, msg: JsMsg): KvEntry {
  const operation = (msg.headers?.get('KV-Operation') || 'PUT') as KvOperation;
  return { bucket, key: msg.subject.slice(prefix.length), value: msg.data, revision: msg.seq, operation };
}

function deliver(handler: (entry: KvEntry) => void, entry: KvEntry, logger: Logger): void {
  try {
    handler(entry);
  } catch (error) {
    logger.error({ bucket: entry.bucket, key: entry.key, error: String(error) }, 'kv watch handler threw');
  }
}
