import { jetstreamManager } from '@nats-io/jetstream';
import { ALL_BUCKETS, ALL_STREAMS, type BucketDeclaration } from '@roost/contracts';
import { startNatsServer, type TestServer } from '@roost/testing';
import { ensureTopology } from './ensure-topology';
import { connectNats, type NatsClient } from './nats-connection';

/**
 * Test support for the *.int.spec.ts files of this lib: one nats-server per suite, and per test
 * fresh connections to a server wiped of every stream and bucket and given the topology anew.
 */
export class NatsTestBed {
  private readonly clients: NatsClient[] = [];

  private constructor(readonly server: TestServer) {}

  static async start(): Promise<NatsTestBed> {
    return new NatsTestBed(await startNatsServer());
  }

  async connect(name = 'roost-test'): Promise<NatsClient> {
    const client = await connectNats({ url: this.server.url, name, backoff: { initialMs: 50, maxMs: 500 } });
    this.clients.push(client);
    return client;
  }

  /** Deletes every stream (KV buckets included) and declares the topology plus `extraBuckets`. */
  async reset(extraBuckets: readonly BucketDeclaration[] = []): Promise<NatsClient> {
    const client = await this.connect();
    const jsm = await jetstreamManager(client.nc);
    for await (const name of jsm.streams.names()) await jsm.streams.delete(name);
    await ensureTopology(client.nc, { streams: ALL_STREAMS, buckets: [...ALL_BUCKETS, ...extraBuckets] });
    return client;
  }

  async closeClients(): Promise<void> {
    await Promise.all(this.clients.splice(0).map((c) => c.close()));
  }

  async stop(): Promise<void> {
    await this.closeClients();
    await this.server.stop();
  }
}
