import { JetStreamApiError, jetstreamManager } from '@nats-io/jetstream';
import { STREAMS, subjects } from '@roost/contracts';
import { PortError } from '@roost/ports';
import { createJetStreamPublisher } from './jetstream-publisher';
import { NatsTestBed } from './nats-test-fixture';

let bed: NatsTestBed;
beforeAll(async () => (bed = await NatsTestBed.start()));
afterAll(async () => bed.stop());
afterEach(async () => bed.closeClients());

const FLEET = STREAMS.fleetEvents.name;
const data = new TextEncoder().encode('{}');

describe('JetStream publisher', () => {
  it('answers many publishes in flight at once, each with its own sequence, and a repeated id as a duplicate', async () => {
    const { nc } = await bed.reset();
    const publisher = createJetStreamPublisher(nc);
    const acks = await Promise.all(
      Array.from({ length: 2_000 }, (_, i) => publisher.publish(subjects.fleetAgentEvent(`agent${i}`, 'connected'), data, { expectedStream: FLEET, messageId: `m${i}` })),
    );
    expect(new Set(acks.map((a) => a.seq)).size).toBe(2_000);
    expect(acks.every((a) => a.stream === FLEET && !a.duplicate)).toBe(true);
    const again = await publisher.publish(subjects.fleetAgentEvent('agent7', 'connected'), data, { expectedStream: FLEET, messageId: 'm7' });
    expect(again).toEqual({ stream: FLEET, seq: acks[7]!.seq, duplicate: true });
  });

  it('stores the headers it is given with the message, beside its own', async () => {
    const { nc } = await bed.reset();
    const publisher = createJetStreamPublisher(nc);
    const subject = subjects.fleetAgentEvent('a1', 'connected');
    const ack = await publisher.publish(subject, data, { expectedStream: FLEET, messageId: 'm1', headers: { 'ce-id': 'm1', 'content-type': 'application/json' } });
    const stored = await (await jetstreamManager(nc)).streams.getMessage(FLEET, { seq: ack.seq });
    expect([stored?.header.get('ce-id'), stored?.header.get('content-type'), stored?.header.get('Nats-Msg-Id')]).toEqual(['m1', 'application/json', 'm1']);
  });

  it("rejects with the stream's API error when an expectation fails", async () => {
    const { nc } = await bed.reset();
    const publisher = createJetStreamPublisher(nc);
    const subject = subjects.fleetAgentEvent('a1', 'health');
    const refused = publisher.publish(subject, data, { expectedStream: FLEET, expectedLastSubjectSequence: 5 });
    await expect(refused).rejects.toBeInstanceOf(JetStreamApiError);
    await expect(publisher.publish(subject, data, { expectedStream: 'NOT_THIS_ONE' })).rejects.toThrow(/stream/i);
  });

  it('rejects with no_responders when no stream stores the subject', async () => {
    const { nc } = await bed.reset();
    const publisher = createJetStreamPublisher(nc);
    await expect(publisher.publish('nobody.stores.this', data, { expectedStream: FLEET })).rejects.toMatchObject({ code: 'no_responders' });
  });

  it('rejects with timeout when something listens but never acknowledges', async () => {
    const { nc } = await bed.reset();
    nc.subscribe('silent.listener', { callback: () => undefined });
    await nc.flush();
    const publisher = createJetStreamPublisher(nc, 200);
    const started = Date.now();
    const error = await publisher.publish('silent.listener', data, { expectedStream: FLEET }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PortError);
    expect(error).toMatchObject({ code: 'timeout' });
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('fails what is still waiting when the connection closes', async () => {
    const client = await bed.reset();
    client.nc.subscribe('silent.listener', { callback: () => undefined });
    await client.nc.flush();
    const publisher = createJetStreamPublisher(client.nc, 60_000);
    const waiting = publisher.publish('silent.listener', data, { expectedStream: FLEET }).catch((e: unknown) => e);
    await client.close();
    expect(await waiting).toMatchObject({ code: 'unavailable' });
  });
});
