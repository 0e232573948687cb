/**
 * The Roost gateway on the in-memory platform, as a server under test. The benchmark plays the
 * orchestrator: it stores a config version, writes every agent's `agent-desired` entry and
 * nudges the gateway, then waits for the fleet events that say each agent reported APPLIED.
 */
import { BUCKETS, desiredConfigContract, pushNudgeContract, storedConfigContract, subjects } from '@roost/contracts';
import { startGateway, type RunningGateway } from '@roost/gateway';
import { configHashHex } from '@roost/opamp';
import { createMemoryPlatform } from '@roost/platform-memory';
import type { Platform } from '@roost/ports';
import type { ServerUnderTest } from '../server-under-test';

/**
 * The platform's event store, counting what the gateway appends: APPLIED reports show up as
 * `remote-config-status` fleet events, and the in-memory store keeps every event in this process
 * (with NATS they would leave it), which the memory figures report separately.
 */
function countingPlatform(platform: Platform) {
  const counts = { statusEvents: 0, retainedBytes: 0 };
  let waiter: { target: number; done: () => void } | undefined;
  const events: Platform['events'] = {
    ...platform.events,
    append: (subject, data, options) => {
      counts.retainedBytes += data.length + subject.length;
      if (subject.endsWith('.remote-config-status') && ++counts.statusEvents === waiter?.target) waiter.done();
      return platform.events.append(subject, data, options);
    },
    read: (filter, options) => platform.events.read(filter, options),
    lastSequence: (stream) => platform.events.lastSequence(stream),
    lastSubjectSequence: (subject) => platform.events.lastSubjectSequence(subject),
    consume: (spec, handler) => platform.events.consume(spec, handler),
  };
  const statusEventsReach = (target: number) =>
    new Promise<void>((resolve) => {
      if (counts.statusEvents >= target) resolve();
      else waiter = { target, done: resolve };
    });
  return { platform: { ...platform, events }, counts, statusEventsReach };
}

export function createRoostGateway(): ServerUnderTest {
  const memory = createMemoryPlatform();
  const { platform, counts, statusEventsReach } = countingPlatform(memory);
  let gateway: RunningGateway | undefined;
  let prepared: { agentIds: string[] } | undefined;

  return {
    start: async () => {
      gateway = await startGateway({ port: 0, host: '127.0.0.1', gatewayId: 'gw-bench' }, platform);
      return { url: gateway.url };
    },
    connectedAgents: () => gateway!.stats().agents.websocket,
    prepareConfig: async (body) => {
      const files = { '': { body: body.toString('utf8'), contentType: 'text/yaml' } };
      const hash = configHashHex(files);
      const configs = await platform.kv.open(BUCKETS.configs.name);
      await configs.put(hash, storedConfigContract.encode({ hash, files, name: 'bench', createdAt: Date.now() }));
      const connected = await platform.events.read(subjects.fleetAll);
      const agentIds = [...new Set(connected.map((e) => e.subject.split('.')[2]!))];
      const desired = await platform.kv.open(BUCKETS.agentDesired.name);
      const entry = desiredConfigContract.encode({ configHash: hash, rolloutId: 'bench', setAt: Date.now() });
      for (const id of agentIds) await desired.put(id, entry);
      prepared = { agentIds };
    },
    deliverConfig: async () => {
      const { agentIds } = prepared!;
      const applied = statusEventsReach(counts.statusEvents + agentIds.length);
      platform.bus.publish(subjects.gatewayPush(gateway!.gatewayId), pushNudgeContract.encode({ agentIds }));
      await applied;
      return { agents: agentIds.length };
    },
    messagesProcessed: async () => {
      const metric = await gateway!.metrics.messagesIn.get();
      return metric.values.reduce((sum, v) => sum + v.value, 0);
    },
    retainedBytes: () => ({ label: 'fleet events kept by the in-memory event store', bytes: counts.retainedBytes }),
    stop: async () => {
      await gateway?.stop();
      await memory.close();
    },
  };
}
