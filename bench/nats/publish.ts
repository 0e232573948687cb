/**
 * JetStream appends: nats.js `js.publish` (a request per message) against Roost's JetStream
 * publisher (many in flight over one reply subscription), same connection, same stream, same
 * payloads, alternating rounds, on a private nats-server.
 *
 *   npx tsx bench/nats/publish.ts                 20,000 messages of 800 B per round, 3 rounds each
 *   npx tsx bench/nats/publish.ts --quick         2,000 messages, 1 round (CI)
 *   options: --messages=20000 --bytes=800 --rounds=3
 *
 * Prints, per round, the client process's CPU per message and the wall time per message, then
 * the medians and their ratio. The nats-server's own CPU is not counted (another process).
 */
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { createJetStreamPublisher } from '@roost/platform-nats';
import { startNatsServer } from '@roost/testing';
import { loadavg } from 'node:os';

function option(name: string, fallback: number): number {
  const arg = process.argv.find((a) => a.startsWith(`--${name}=`));
  return arg ? Number(arg.slice(name.length + 3)) : fallback;
}

const quick = process.argv.includes('--quick');
const messages = option('messages', quick ? 2_000 : 20_000);
const bytes = option('bytes', 800);
const rounds = option('rounds', quick ? 1 : 3);
const STREAM = 'BENCH';

interface Figures {
  cpuMicros: number;
  wallMicros: number;
}

async function measure(publishAll: () => Promise<unknown>): Promise<Figures> {
  const cpu = process.cpuUsage();
  const started = performance.now();
  await publishAll();
  const used = process.cpuUsage(cpu);
  return { cpuMicros: (used.user + used.system) / messages, wallMicros: ((performance.now() - started) * 1000) / messages };
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? NaN;
const load = () => loadavg().map((l) => l.toFixed(2)).join(' ');

async function main(): Promise<void> {
  console.log(`node ${process.version}, ${messages} messages of ${bytes} B per round, ${rounds} rounds each, load average ${load()}`);
  const server = await startNatsServer();
  const nc = await connect({ servers: server.url, noAsyncTraces: true });
  try {
    await (await jetstreamManager(nc)).streams.add({ name: STREAM, subjects: ['bench.>'] });
    const js = jetstream(nc);
    const publisher = createJetStreamPublisher(nc);
    const data = new Uint8Array(bytes).fill(0x61);
    const subject = (i: number) => `bench.agent${i % 10_000}.health`;
    const results = { request: [] as Figures[], publisher: [] as Figures[] };
    for (let round = 0; round < rounds; round++) {
      const viaRequest = await measure(() =>
        Promise.all(Array.from({ length: messages }, (_, i) => js.publish(subject(i), data, { msgID: `r${round}.q${i}`, expect: { streamName: STREAM } }))),
      );
      const viaPublisher = await measure(() =>
        Promise.all(Array.from({ length: messages }, (_, i) => publisher.publish(subject(i), data, { expectedStream: STREAM, messageId: `r${round}.p${i}` }))),
      );
      results.request.push(viaRequest);
      results.publisher.push(viaPublisher);
      const show = (f: Figures) => `${f.cpuMicros.toFixed(1)} µs CPU, ${f.wallMicros.toFixed(1)} µs wall`;
      console.log(`round ${round + 1}: js.publish ${show(viaRequest)} | publisher ${show(viaPublisher)}`);
    }
    const cpu = { request: median(results.request.map((f) => f.cpuMicros)), publisher: median(results.publisher.map((f) => f.cpuMicros)) };
    const wall = { request: median(results.request.map((f) => f.wallMicros)), publisher: median(results.publisher.map((f) => f.wallMicros)) };
    console.log(`median per message: js.publish ${cpu.request.toFixed(1)} µs CPU / ${wall.request.toFixed(1)} µs wall; publisher ${cpu.publisher.toFixed(1)} µs CPU / ${wall.publisher.toFixed(1)} µs wall`);
    console.log(`publisher/js.publish: CPU ${(cpu.publisher / cpu.request).toFixed(2)}, wall ${(wall.publisher / wall.request).toFixed(2)}; load average ${load()}`);
  } finally {
    await nc.close();
    await server.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
