/**
 * Every admin command and query, sent as a client sends it (JSON over request/reply on the
 * platform's bus), answered by the orchestrator's Nest controllers through the bus transport:
 * on the in-memory bus and on NATS alike, by the leader only.
 */
import { z } from 'zod';
import { commandReplyContract, subjects, type CommandReply } from '@roost/contracts';
import { startGateway, type RunningGateway } from '@roost/gateway';
import { startOrchestrator, type RunningOrchestrator } from '@roost/orchestrator';
import { createMemoryPlatform, createMemoryViewStore } from '@roost/platform-memory';
import { connectNatsPlatform } from '@roost/platform-nats';
import type { Platform } from '@roost/ports';
import { eventually, startNatsServer, type TestServer } from '@roost/testing';
import { CollectorAgent } from './collector-agent';
import { collectorYaml, TEST_TIMING } from './rollout-test-bed';

jest.setTimeout(60_000);

type Reply = CommandReply<Record<string, unknown>>;
/** Any reply of the command contracts: `{ok: true, result}` or `{ok: false, error: {code, message, details}}`. */
const anyReply = commandReplyContract('any command reply', z.record(z.string(), z.unknown()));

interface World {
  readonly client: Platform;
  /** A platform for one more process (its own NATS connection; the same memory platform). */
  platform(name: string): Promise<Platform>;
  close(): Promise<void>;
}

async function memoryWorld(): Promise<World> {
  const platform = createMemoryPlatform();
  return { client: platform, platform: async () => platform, close: () => platform.close() };
}

async function natsWorld(): Promise<World> {
  const nats: TestServer = await startNatsServer();
  const opened: Platform[] = [];
  const platform = async (name: string): Promise<Platform> => {
    const connected = await connectNatsPlatform({ url: nats.url, views: createMemoryViewStore(), name });
    opened.push(connected);
    return connected;
  };
  const client = await platform('command-transport-client');
  return {
    client,
    platform,
    close: async () => {
      await Promise.all(opened.map((p) => p.close()));
      await nats.stop();
    },
  };
}

describe.each([
  ['the in-memory bus', memoryWorld],
  ['NATS', natsWorld],
])('orchestrator commands over %s', (_name, openWorld) => {
  let world: World;
  let gateway: RunningGateway;
  const orchestrators: RunningOrchestrator[] = [];
  const agents: CollectorAgent[] = [];

  const send = async (subject: string, body: unknown): Promise<Reply> =>
    anyReply.decode(await world.client.bus.request(subject, new TextEncoder().encode(JSON.stringify(body)), { timeoutMs: 10_000 }));
  const ok = async (subject: string, body: unknown): Promise<Record<string, unknown>> => {
    const reply = await send(subject, body);
    if (!reply.ok) throw new Error(`${subject} refused: ${reply.error.code}: ${reply.error.message}`);
    return reply.result;
  };

  beforeAll(async () => {
    world = await openWorld();
    gateway = await startGateway({ port: 0, host: '127.0.0.1', gatewayId: 'gw-commands', heartbeatIntervalSeconds: null }, await world.platform('gw-commands'));
    orchestrators.push(await startOrchestrator({ instanceId: 'orchestrator-a', leaseRetryMs: 100 }, await world.platform('orchestrator-a')));
    await eventually(() => orchestrators[0]!.isLeader(), { timeoutMs: 10_000, what: 'orchestrator-a to lead' });
  });

  afterAll(async () => {
    await Promise.all(agents.map((agent) => agent.drop()));
    for (const orchestrator of orchestrators) await orchestrator.stop();
    await gateway?.stop();
    await world?.close();
  });

  it('answers config.cmd.create, get, history and diff', async () => {
    const base = await ok(subjects.configCommand('create'), { yaml: collectorYaml('basic'), name: 'cmd', actor: 'test' });
    const next = await ok(subjects.configCommand('create'), { yaml: collectorYaml('detailed'), name: 'cmd', actor: 'test' });
    expect(base).toMatchObject({ name: 'cmd', version: 1, created: true });
    expect(next).toMatchObject({ name: 'cmd', version: 2, created: true });
    expect(await ok(subjects.configCommand('get'), { ref: 'cmd@1' })).toMatchObject({ hash: base['hash'], name: 'cmd', yaml: collectorYaml('basic') });
    expect(await ok(subjects.configCommand('history'), { name: 'cmd' })).toMatchObject({ name: 'cmd', versions: [{ version: 1 }, { version: 2 }] });
    expect(await ok(subjects.configCommand('diff'), { from: 'cmd@1', to: 'cmd@2' })).toMatchObject({ from: base['hash'], to: next['hash'] });
  });

  it('answers group.cmd.list and group.cmd.preview with the agents it sees', async () => {
    const baseline = (await ok(subjects.configCommand('get'), { ref: 'cmd@1' }))['hash'] as string;
    agents.push(...(await Promise.all(Array.from({ length: 4 }, () => CollectorAgent.connect(gateway.url, { environment: 'commands', runningHash: baseline })))));
    await eventually(async () => (await ok(subjects.groupCommand('preview'), { target: { kind: 'group', group: 'commands' } }))['connected'] === 4, { what: '4 agents in the preview' });
    expect(JSON.stringify(await ok(subjects.groupCommand('list'), {}))).toContain('"commands"');
  });

  it('answers rollout.cmd.start, pause, resume, promote, rollback and abort, and rollout.query.status', async () => {
    const next = (await ok(subjects.configCommand('get'), { ref: 'cmd@2' }))['hash'];
    const plan = [{ count: 1, windowMs: 60_000 }, { percent: 100 }];
    const first = await ok(subjects.rolloutCommand('start'), { target: { kind: 'group', group: 'commands' }, configHash: next, plan, timing: TEST_TIMING, actor: 'test' });
    const rolloutId = first['rolloutId'] as string;
    expect(first['status']).toBe('in_progress');
    expect(await ok(subjects.rolloutCommand('pause'), { rolloutId, actor: 'test', reason: 'look first' })).toMatchObject({ rolloutId, status: 'paused' });
    expect(await ok(subjects.rolloutCommand('resume'), { rolloutId, actor: 'test' })).toMatchObject({ rolloutId, status: 'in_progress' });
    expect(await ok(subjects.rolloutCommand('promote'), { rolloutId, actor: 'test' })).toMatchObject({ rolloutId });
    expect(await ok(subjects.rolloutCommand('rollback'), { rolloutId, actor: 'test', reason: 'changed our minds' })).toMatchObject({ rolloutId });
    await eventually(async () => ['rolled_back', 'completed'].includes((await ok(subjects.rolloutQuery('status'), { rolloutId }))['status'] as string), { what: 'the first rollout to end' });

    const third = (await ok(subjects.configCommand('create'), { yaml: `${collectorYaml('detailed')}\n# third version\n`, name: 'cmd-third', actor: 'test' }))['hash'];
    const second = await ok(subjects.rolloutCommand('start'), { target: { kind: 'group', group: 'commands' }, configHash: third, plan, timing: TEST_TIMING, actor: 'test' });
    expect(await ok(subjects.rolloutCommand('abort'), { rolloutId: second['rolloutId'], actor: 'test', reason: 'stop' })).toMatchObject({ status: 'aborted' });
    expect(await ok(subjects.rolloutQuery('status'), { rolloutId: second['rolloutId'] })).toMatchObject({ status: 'aborted' });
  });

  it('keeps the coded errors of the JSON contract', async () => {
    const invalid = await send(subjects.rolloutCommand('pause'), { rolloutId: 'has spaces' });
    expect(invalid).toMatchObject({ ok: false, error: { code: 'command.invalid' } });
    const unknown = await send(subjects.configCommand('get'), { ref: 'no-such-config' });
    expect(unknown).toMatchObject({ ok: false, error: { code: 'config.not_found' } });
  });

  it('ignores a command published without a reply subject, and keeps answering', async () => {
    world.client.bus.publish(subjects.groupCommand('list'), new TextEncoder().encode('{}'));
    await world.client.bus.flush();
    expect(await send(subjects.groupCommand('list'), {})).toMatchObject({ ok: true });
  });

  it('answers from the leader only: a standby answers once it has taken over', async () => {
    const standby = await startOrchestrator({ instanceId: 'orchestrator-b', leaseRetryMs: 100 }, await world.platform('orchestrator-b'));
    orchestrators.push(standby);
    const replies = await Promise.all(Array.from({ length: 10 }, () => send(subjects.groupCommand('preview'), { target: { kind: 'group', group: 'commands' } })));
    expect(replies.every((reply) => reply.ok)).toBe(true);
    expect(standby.isLeader()).toBe(false);
    await orchestrators[0]!.stop();
    await eventually(() => standby.isLeader(), { timeoutMs: 20_000, what: 'the standby to take over' });
    expect(await send(subjects.rolloutQuery('status'), { rolloutId: 'no-such-rollout' })).toMatchObject({ ok: false, error: { code: 'rollout.not_found' } });
  });
});
