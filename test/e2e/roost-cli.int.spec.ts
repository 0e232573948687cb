import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sha256Hex, startAdminApi, type RunningAdminApi } from '@roost/admin-api';
import { startFleet, type RunningFleet } from '@roost/fleet-simulator';
import { startGateway, type RunningGateway } from '@roost/gateway';
import { startOrchestrator, type RunningOrchestrator } from '@roost/orchestrator';
import { createMemoryPlatform } from '@roost/platform-memory';
import type { Platform } from '@roost/ports';
import { startProjector, type RunningProjector } from '@roost/projector';
import { eventually } from '@roost/testing';
import { json, REPO_ROOT, roost } from './roost-cli';

const GOOD = join(REPO_ROOT, 'services/cli/src/demo/configs/otel-demo-v1.yaml');
const BAD = join(REPO_ROOT, 'services/cli/src/demo/configs/otel-demo-v2-bad.yaml');
const TOKEN = 'cli-test-operator-token';

interface Summary {
  rolloutId: string;
  status: string;
  members: number;
}

/**
 * The `roost` CLI, each command its own process, against the services running in this test
 * (in-memory platform) with 30 simulated collectors (each refuses a marked config). Reads work without a token (anonymous
 * viewer); writes need the operator token.
 */
describe('roost CLI against a running server', () => {
  let platform: Platform;
  let projector: RunningProjector;
  let orchestrator: RunningOrchestrator;
  let admin: RunningAdminApi;
  let gateway: RunningGateway;
  let fleet: RunningFleet;
  let env: Record<string, string>;
  let dir: string;

  beforeAll(async () => {
    platform = createMemoryPlatform();
    projector = await startProjector({}, platform);
    orchestrator = await startOrchestrator({}, platform);
    admin = await startAdminApi({ httpPort: 0, grpcPort: null, tokens: [{ name: 'ci', role: 'operator', sha256: sha256Hex(TOKEN) }], anonymousRole: 'viewer' }, platform);
    gateway = await startGateway({ port: 0, host: '127.0.0.1', heartbeatIntervalSeconds: null }, platform);
    fleet = await startFleet({ urls: [gateway.url], agents: 30, environments: 'production:2,staging:1', behaviours: 'fail:100', applyDelayMs: { min: 50, max: 300 }, seed: 'cli-e2e' });
    await fleet.waitUntilConnected(30, 20_000);
    env = { ROOST_URL: admin.url, ROOST_TOKEN: TOKEN };
    dir = mkdtempSync(join(tmpdir(), 'roost-cli-'));
    await eventually(async () => orchestrator.isLeader() && json<{ fleet: { connected: number } }>(await roost(['groups', '-o', 'json'], env)).fleet.connected === 30, { timeoutMs: 20_000, what: '30 agents in the views' });
  }, 60_000);

  afterAll(async () => {
    await fleet?.stop();
    await gateway?.stop();
    await admin?.stop();
    await orchestrator?.stop();
    await projector?.stop();
    await platform?.close();
  });

  it('lists groups as a table and as JSON', async () => {
    const text = await roost(['groups'], env);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/^group\s+agents\s+connected\s+healthy\s+unhealthy\s+configs\n/);
    expect(text.stdout).toMatch(/production\s+20\s+20\s+20\s+0/);
    const groups = json<{ groups: { group: string; agents: number }[] }>(await roost(['groups', '--output', 'json'], env));
    expect(groups.groups.map((g) => [g.group, g.agents])).toEqual([
      ['production', 20],
      ['staging', 10],
    ]);
  });

  it('lists agents filtered by group and pages through them', async () => {
    const page = json<{ total: number; items: { group: string; connected: boolean }[] }>(await roost(['agents', 'list', '--group', 'staging', '--limit', '4', '-o', 'json'], env));
    expect(page.total).toBe(10);
    expect(page.items).toHaveLength(4);
    expect(page.items.every((agent) => agent.group === 'staging' && agent.connected)).toBe(true);
    const text = await roost(['agents', 'list', '--selector', 'service.environment=staging', '--limit', '4'], env);
    expect(text.stdout).toContain('4 of 10 agents shown; next page: --offset 4');
  });

  it('pushes configs, refuses a broken one with file, line and column, lists and diffs versions', async () => {
    expect((await roost(['config', 'push', GOOD, '--name', 'cli-demo'], env)).stdout).toMatch(/^stored cli-demo version 1 \([0-9a-f]{12}\)\n$/);
    const broken = join(dir, 'broken.yaml');
    writeFileSync(broken, 'receivers:\n  otlp: {}\nservice:\n  pipelines:\n    traces:\n      receivers: [otlp]\n      exporters: [nope]\n');
    const refused = await roost(['config', 'push', broken, '--name', 'cli-demo'], env);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(`${broken}:7:`);
    expect(refused.stderr).toContain('exporter "nope"');
    const refusedJson = await roost(['config', 'push', broken, '--name', 'cli-demo', '-o', 'json'], env);
    expect(JSON.parse(refusedJson.stderr)).toMatchObject({ error: { code: 'config.invalid', details: { status: 400, field: 'yaml' } } });
    await roost(['config', 'push', BAD, '--name', 'cli-demo'], env);
    const list = json<{ items: { name: string; versions: number }[] }>(await roost(['config', 'list', '-o', 'json'], env));
    expect(list.items).toContainEqual(expect.objectContaining({ name: 'cli-demo', versions: 2 }));
    const diff = await roost(['config', 'diff', 'cli-demo@1', 'cli-demo@2'], env);
    expect(diff.stdout).toContain('added: exporters/otlp/backend');
    expect(diff.stdout).toContain('+      exporters: [debug, otlp/backend]');
  });

  it('runs a rollout through pause, resume and promote, and --watch follows it to completion', async () => {
    const started = json<Summary>(
      await roost(['rollout', 'start', '--group', 'staging', '--config', 'cli-demo@1', '--plan', 'canary:20%:1m,all:100%:1s', '--accept-keep-new', '--health-grace', '2s', '-o', 'json'], env),
    );
    expect(started).toMatchObject({ status: 'in_progress', members: 10 });
    expect(json<Summary>(await roost(['rollout', 'pause', started.rolloutId, '--reason', 'lunch', '-o', 'json'], env)).status).toBe('paused');
    const paused = await roost(['rollout', 'status', started.rolloutId], env);
    expect(paused.stdout).toContain('PAUSED');
    expect(paused.stdout).toContain('roost rollout resume');
    expect(json<Summary>(await roost(['rollout', 'resume', started.rolloutId, '-o', 'json'], env)).status).toBe('in_progress');
    expect((await roost(['rollout', 'promote', started.rolloutId], env)).stdout).toContain(`rollout ${started.rolloutId}: promote accepted`);
    const watched = await roost(['rollout', 'status', started.rolloutId, '--watch', '-o', 'json'], env);
    expect(watched.code).toBe(0);
    const states = watched.stdout.trim().split('\n').map((line) => JSON.parse(line) as { status: string; counts: { applied: number } });
    expect(states.at(-1)).toMatchObject({ status: 'completed', counts: { applied: 10 } });
  });

  it('shows a rolled-back rollout with its failures, and --watch exits 1 for it', async () => {
    await roost(['rollout', 'start', '--group', 'production', '--config', 'cli-demo@1', '--plan', 'all:100%:1s', '--accept-keep-new', '--health-grace', '2s', '--watch'], env);
    const watched = await roost(['rollout', 'start', '--group', 'production', '--config', 'cli-demo@2', '--plan', 'canary:5:1s,all:100%:1s', '--health-grace', '2s', '--watch'], env);
    expect(watched.code).toBe(1);
    expect(watched.stdout).toContain('ROLLED_BACK');
    expect(watched.stdout).toMatch(/failures:\n\s+\d+ agents?: invalid configuration: line 4: # roost-sim: break/);
    const list = await roost(['rollout', 'list', '--group', 'production'], env);
    expect(list.stdout).toMatch(/group production\s+rolled_back/);
    expect(list.stdout).toMatch(/group production\s+completed/);
  });

  it('aborts and rolls back on request, and refuses an illegal transition saying why', async () => {
    const started = json<Summary>(await roost(['rollout', 'start', '--group', 'staging', '--config', 'cli-demo@2', '--plan', 'canary:10%:1m,all:100%', '--threshold', '100%', '-o', 'json'], env));
    expect(json<Summary>(await roost(['rollout', 'rollback', started.rolloutId, '-o', 'json'], env)).status).toBe('rolled_back');
    const resume = await roost(['rollout', 'resume', started.rolloutId], env);
    expect(resume.code).toBe(1);
    expect(resume.stderr).toContain('only a paused rollout can be resumed');
    const again = json<Summary>(await roost(['rollout', 'start', '--group', 'staging', '--config', 'cli-demo@2', '--plan', 'canary:10%:1m,all:100%', '--threshold', '100%', '-o', 'json'], env));
    expect(json<Summary>(await roost(['rollout', 'abort', again.rolloutId, '-o', 'json'], env)).status).toBe('aborted');
  });

  it('says what to do when the server is unreachable, the token is missing or wrong, or the command line is wrong', async () => {
    const unreachable = await roost(['groups'], { ROOST_URL: 'http://127.0.0.1:9' });
    expect(unreachable.code).toBe(3);
    expect(unreachable.stderr).toContain('cannot reach the Roost admin API at http://127.0.0.1:9');
    expect(unreachable.stderr).toContain('start Roost with `npm start`, or point --server (or ROOST_URL)');
    const anonymous = await roost(['config', 'push', GOOD, '--name', 'cli-demo'], { ROOST_URL: admin.url });
    expect(anonymous.code).toBe(3);
    expect(anonymous.stderr).toContain('a role that may act (operator or admin)');
    const wrong = await roost(['groups'], { ROOST_URL: admin.url, ROOST_TOKEN: 'not-a-token' });
    expect(wrong.code).toBe(3);
    expect(wrong.stderr).toContain('the admin API did not accept the token');
    const usage = await roost(['rollout', 'start', '--group', 'staging'], env);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain('give exactly one of --config (a stored version) or --file (new YAML)');
    const unknown = await roost(['rollout', 'status', '01a21ac3-0000-7000-8000-000000000000', '-o', 'json'], env);
    expect(unknown.code).toBe(1);
    expect(JSON.parse(unknown.stderr)).toMatchObject({ error: { code: 'rollout.not_found' } });
  });
});
