/**
 * Following a replicated stream while one node of a 3-node cluster is down. The server places a
 * reader's consumer on any copy, the lost node included; a consumer placed there never answers
 * its creation, and asking again under the same name is answered from that same placement. A
 * follower opened then must still open and read everything.
 */
import { STREAMS, subjects, topologyFromSettings } from '@roost/contracts';
import { startNatsCluster, type TestNatsCluster } from '@roost/testing';
import { eventually } from '@roost/testing';
import { connectNats, type NatsClient } from './nats-connection';
import { createNatsEventStore } from './nats-event-store';
import { ensureTopology } from './ensure-topology';

jest.setTimeout(180_000);

const FLEET = STREAMS.fleetEvents.name;
const EVENTS = 50;
/** Each follower opened with a node down draws its placement afresh: six draws, each a one-in-three chance of the lost node. */
const FOLLOWERS = 6;

let cluster: TestNatsCluster;
let client: NatsClient;

beforeAll(async () => {
  cluster = await startNatsCluster(3);
  client = await connectNats({ url: cluster.url, name: 'follower-cluster-test' });
  const { streams } = topologyFromSettings((name) => (name === 'NATS_REPLICAS' ? '3' : undefined));
  await ensureTopology(client.nc, { streams: streams.filter((stream) => stream.name === FLEET), buckets: [] });
});

afterAll(async () => {
  await client?.close();
  await cluster?.stop();
});

it('opens every follower and reads every event while one node of three is down', async () => {
  const store = await createNatsEventStore(client.nc);
  for (let i = 1; i <= EVENTS; i++) await store.append(subjects.fleetAgentEvent(`agent-${i % 5}`, 'health'), new TextEncoder().encode(String(i)));
  await cluster.nodes[2]!.kill();
  await cluster.healthy(60_000);

  const openedInMs: number[] = [];
  for (let n = 0; n < FOLLOWERS; n++) {
    const startedAt = Date.now();
    const seen: number[] = [];
    const follower = await store.follow({ stream: FLEET }, async (events) => void seen.push(...events.map((event) => event.sequence)));
    await eventually(() => seen.length === EVENTS, { timeoutMs: 30_000, what: `follower ${n + 1} to read the ${EVENTS} events` });
    openedInMs.push(Date.now() - startedAt);
    await follower.stop();
    expect(seen).toEqual(Array.from({ length: EVENTS }, (_, i) => i + 1));
  }
  process.stdout.write(`follower-cluster: with n3 down, ${FOLLOWERS} followers read everything after ${openedInMs.join(', ')} ms\n`);
});
