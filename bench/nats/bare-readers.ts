import { AckPolicy, jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connectNats } from '@roost/platform-nats';
import type { EventStore } from '@roost/ports';

/**
 * Baselines for the services' live paths, on the same stream in the same run: how fast can
 * anything read it? Each reads `total` events from the stream's start with a handler that
 * does nothing and resolves once it saw them all.
 */

/** The event store's follower (the reader the orchestrator and the projector use). */
export async function drainWithFollower(events: EventStore, stream: string, total: number): Promise<void> {
  let seen = 0;
  let done!: () => void;
  const finished = new Promise<void>((resolve) => (done = resolve));
  const follower = await events.follow({ stream }, async (batch) => {
    seen += batch.length;
    if (seen >= total) done();
  });
  await finished;
  await follower.stop();
}

/** A plain nats.js durable pull consumer: consume(), an ack of every 1,000th message (ack_all). */
export async function drainWithDurable(url: string, stream: string, total: number): Promise<void> {
  const client = await connectNats({ url, name: 'bench-bare-durable' });
  try {
    const jsm = await jetstreamManager(client.nc);
    await jsm.consumers.add(stream, { durable_name: 'bench-bare', ack_policy: AckPolicy.All, max_ack_pending: 20_000 });
    const messages = await (await jetstream(client.nc).consumers.get(stream, 'bench-bare')).consume({ max_messages: 2_000 });
    let seen = 0;
    for await (const msg of messages) {
      seen += 1;
      if (seen % 1_000 === 0 || seen >= total) msg.ack();
      if (seen >= total) break;
    }
    await messages.close();
    await jsm.consumers.delete(stream, 'bench-bare');
  } finally {
    await client.close();
  }
}
