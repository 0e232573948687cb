/**
 * The Roost gateway as a server under test, on the in-memory platform (default) or, with
 * BENCH_GATEWAY_PLATFORM=nats, on a private `nats-server` this process starts (the production
 * path: fleet events are JetStream publishes and leave the process). The benchmark plays the
 * orchestrator: it stores a config version, writes every agent's `agent-desired` entry,
 * nudges the gateway with the entries written, then waits for the fleet events that say each
 * agent reported APPLIED.
 */
import { BUCKETS, desiredConfigContract, pushNudgeContract, storedConfigContract, subjects } from '@roost/contracts';
import { startGateway, type RunningGateway } from '@roost/gateway';
import { configHashHex } from '@roost/opamp';
import { createMemoryPlatform, createMemoryViewStore } from '@roost/platform-memory';
import { connectNatsPlatform } from '@roost/platform-nats';
import type { Platform } from '@roost/ports';
import { startNatsServer } from '@roost/testing';
import type { ServerUnderTest } from '../server-under-test';

/** Agents per nudge, as the orchestrator's `nudgeBatchSize` default. */
const NUDGE_BATCH = 1_000;

/**
 * The platform's event store, counting what the gateway appends: APPLIED reports show up as
 * `remote-config-status` fleet events, `connected` events name the agents to deliver to, and
 * the in-memory store keeps every event in this process (with NATS they leave it), which the
 * memory figures report separately.
 */
function countingPlatform(platform: Platform) {
  const counts = { statusEvents: 0, retainedBytes: 0 };
  const connectedAgents = new Set<string>();
  let waiter: { target: number; done: () => void } | undefined;
  const events: Platform['events'] = {
    ...platform.events,
    append: (subject, data, options) => {
      counts.retainedBytes += data.length + subject.length;
      if (subject.endsWith('.connected')) connectedAgents.add(subject.split('.')[2]!);
      const appended = platform.events.append(subject, data, options);
      // Counted once stored (with NATS: acknowledged by the stream), not when issued.
      if (subject.endsWith('.remote-config-status')) {
        void appended.then(() => {
          if (++counts.statusEvents === waiter?.target) waiter.done();
        }, () => undefined);
      }
      return appended;
    },
    read: (filter, options) => platform.events.read(filter, options),
    lastSequence: (stream) => platform.events.lastSequence(stream),
    lastSubjectSequence: (subject) => platform.events.lastSubjectSequence(subject),
    consume: (spec, handler) => platform.events.consume(spec, handler),
    follow: (spec, handler) => platform.events.follow(spec, handler),
  };
  const statusEventsReach = (target: number) =>
    new Promise<void>((resolve) => {
      if (counts.statusEvents >= target) resolve();
      else waiter = { target, done: resolve };
    });
  return { platform: { ...platform, events }, counts, connectedAgents, statusEventsReach };
}

/** The platform the gateway runs on, and how to stop it. */
async function benchPlatform(): Promise<{ platform: Platform; inProcessEvents: boolean; close(): Promise<void> }> {
  if (process.env['BENCH_GATEWAY_PLATFORM'] !== 'nats') {
    const memory = createMemoryPlatform();
    return { platform: memory, inProcessEvents: true, close: () => memory.close() };
  }
  const nats = await startNatsServer();
  const platform = await connectNatsPlatform({ url: nats.url, views: createMemoryViewStore(), name: 'bench-gateway' });
  return {
    platform,
    inProcessEvents: false,
    close: async () => {
      await platform.close();
      await nats.stop();
    },
  };
}

export function createRoostGateway(): ServerUnderTest {
  let world: Awaited<ReturnType<typeof benchPlatform>> | undefined;
  let counting: ReturnType<typeof countingPlatform> | undefined;
  let gateway: RunningGateway | undefined;
  let prepared: { agentIds: string[]; nudges: Uint8Array[] } | undefined;

  return {
    start: async () => {
      world = await benchPlatform();
      counting = countingPlatform(world.platform);
      gateway = await startGateway({ port: 0, host: '127.0.0.1', gatewayId: 'gw-bench' }, counting.platform);
      return { url: gateway.url };
    },
    connectedAgents: () => gateway!.stats().agents.websocket,
    prepareConfig: async (body) => {
      const { platform, connectedAgents } = counting!;
      const files = { '': { body: body.toString('utf8'), contentType: 'text/yaml' } };
      const hash = configHashHex(files);
      const configs = await platform.kv.open(BUCKETS.configs.name);
      await configs.put(hash, storedConfigContract.encode({ hash, files, name: 'bench', createdAt: Date.now() }));
      const agentIds = [...connectedAgents];
      const desired = await platform.kv.open(BUCKETS.agentDesired.name);
      const entry = desiredConfigContract.encode({ configHash: hash, rolloutId: 'bench', setAt: Date.now() });
      const revisions: number[] = [];
      for (let start = 0; start < agentIds.length; start += 500) {
        revisions.push(...(await Promise.all(agentIds.slice(start, start + 500).map((id) => desired.put(id, entry)))));
      }
      // As the orchestrator nudges: batches of 1,000 agents, each carrying the entry written.
      const nudges: Uint8Array[] = [];
      for (let start = 0; start < agentIds.length; start += NUDGE_BATCH) {
        const batch = agentIds.slice(start, start + NUDGE_BATCH);
        nudges.push(pushNudgeContract.encode({ agentIds: batch, desired: batch.map((_, index) => ({ configHash: hash, revision: revisions[start + index] as number })) }));
      }
      prepared = { agentIds, nudges };
    },
    deliverConfig: async () => {
      const { agentIds, nudges } = prepared!;
      const { platform, counts, statusEventsReach } = counting!;
      const applied = statusEventsReach(counts.statusEvents + agentIds.length);
      for (const nudge of nudges) platform.bus.publish(subjects.gatewayPush(gateway!.gatewayId), nudge);
      await applied;
      return { agents: agentIds.length };
    },
    // Reports answered: those handled, and those a newer report of the same agent superseded in
    // the queue (a health report that changed only a time; answered, not decoded).
    messagesProcessed: async () => {
      const counted = await Promise.all([gateway!.metrics.messagesIn.get(), gateway!.metrics.messagesSuperseded.get()]);
      return counted.flatMap((metric) => metric.values).reduce((sum, v) => sum + v.value, 0);
    },
    retainedBytes: () =>
      world?.inProcessEvents ? { label: 'fleet events kept by the in-memory event store', bytes: counting!.counts.retainedBytes } : { label: 'none (NATS)', bytes: 0 },
    stop: async () => {
      await gateway?.stop();
      await world?.close();
    },
  };
}
