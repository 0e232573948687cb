import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
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
import { collectorYaml } from '../support/collector-config';
import { installRoost, json, REPO_ROOT, type CliRun, type InstalledRoost } from './roost-cli';

const GOOD = join(REPO_ROOT, 'services/cli/src/demo/configs/otel-demo-v1.yaml');
const BAD = join(REPO_ROOT, 'services/cli/src/demo/configs/otel-demo-v2-bad.yaml');
// Every command is its own process (Node, tsx, the CLI): seconds each on a busy machine.
jest.setTimeout(180_000);

const TOKEN = 'cli-test-operator-token';
const ADMIN_TOKEN = 'cli-test-admin-token';

interface Summary {
  rolloutId: string;
  status: string;
  members: number;
}

/**
 * The installed `roost` command (`npm install -g` of this repository into a temporary prefix),
 * each command its own process run from a directory outside the repository, against the services running in this test
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
  let cli: InstalledRoost;
  const roost = (argv: readonly string[], runEnv: Readonly<Record<string, string>> = {}): Promise<CliRun> => cli.run(argv, runEnv);

  beforeAll(async () => {
    platform = createMemoryPlatform();
    projector = await startProjector({}, platform);
    orchestrator = await startOrchestrator({}, platform);
    admin = await startAdminApi({ httpPort: 0, grpcPort: null, tokens: [
        { name: 'ci', role: 'operator', sha256: sha256Hex(TOKEN) },
        { name: 'auditor', role: 'admin', sha256: sha256Hex(ADMIN_TOKEN) },
      ], anonymousRole: 'viewer' }, platform);
    gateway = await startGateway({ port: 0, host: '127.0.0.1', heartbeatIntervalSeconds: null }, platform);
    fleet = await startFleet({ urls: [gateway.url], agents: 30, environments: 'production:2,staging:1', behaviours: 'fail:100', applyDelayMs: { min: 50, max: 300 }, seed: 'cli-e2e' });
    await fleet.waitUntilConnected(30, 20_000);
    env = { ROOST_URL: admin.url, ROOST_TOKEN: TOKEN };
    dir = mkdtempSync(join(tmpdir(), 'roost-cli-'));
    cli = await installRoost();
    await eventually(async () => orchestrator.isLeader() && json<{ fleet: { connected: number } }>(await roost(['groups', '-o', 'json'], env)).fleet.connected === 30, { timeoutMs: 20_000, what: '30 agents in the views' });
  }, 60_000);

  /** The newest audit records, read as an admin. */
  const auditPage = async (): Promise<CliRun> => {
    const response = await fetch(`${admin.url}/api/v1/audit?limit=5`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
    return { code: response.ok ? 0 : 1, stdout: await response.text(), stderr: '' };
  };

  afterAll(async () => {
    cli?.remove();
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

  it('sends every rollout start flag as the field the API takes, with short hashes and paths relative to the caller', async () => {
    mkdirSync(join(cli.cwd, 'configs'));
    writeFileSync(join(cli.cwd, 'configs', 'base.yaml'), `${readFileSync(GOOD, 'utf8')}# the baseline\n`);
    const base = json<{ hash: string; version: number }>(await roost(['config', 'push', 'configs/base.yaml', '--name', 'cli-base', '-o', 'json'], env));
    const demo = json<{ hash: string }>(await roost(['config', 'show', 'cli-demo@1', '-o', 'json'], env));
    const short = demo.hash.slice(0, 12);
    expect(json<{ hash: string }>(await roost(['config', 'show', short, '-o', 'json'], env)).hash).toBe(demo.hash);
    const fresh = await roost(['rollout', 'start', '--group', 'staging', '--config', short], env);
    expect(fresh.code).toBe(1);
    expect(fresh.stderr).toContain('→ add --baseline <config> (what they fall back to on failure) or --accept-keep-new');
    const started = json<Summary>(
      await roost(
        [
          'rollout', 'start', '--group', 'staging', '--config', short,
          '--plan', 'canary:1:1m:approve,all:100%:30s', '--threshold', '20%', '--policy', 'pause',
          '--baseline', 'cli-base', '--accept-keep-new', '--stratify-by', 'cloud.region', '--id', 'cli-every-flag',
          '--apply-timeout', '2m', '--disconnect-grace', '90s', '--health-grace', '5s', '--disconnected-policy', 'exclude', '--min-canary', '1',
          '--missing-components', 'include', '-o', 'json',
        ],
        env,
      ),
    );
    expect(started).toMatchObject({ rolloutId: 'cli-every-flag', status: 'in_progress', members: 10 });
    const rollout = json<{ configHash: string; baselineConfigHash: string; threshold: number; policy: string; plan: { name: string; windowMs: number; requireApproval: boolean }[] }>(
      await roost(['rollout', 'status', 'cli-every-flag', '-o', 'json'], env),
    );
    expect(rollout).toMatchObject({ configHash: demo.hash, baselineConfigHash: base.hash, threshold: 0.2, policy: 'pause' });
    expect(rollout.plan.map((phase) => [phase.name, phase.windowMs, phase.requireApproval])).toEqual([
      ['canary', 60_000, true],
      ['all', 30_000, false],
    ]);
    // What the API accepted, as its audit trail recorded the request.
    const audit = json<{ items: { operation: string; request: Record<string, unknown> }[] }>(await auditPage());
    expect(audit.items.find((item) => item.operation === 'rollout.start')?.request).toEqual({
      target: { group: 'staging' },
      configVersion: short,
      plan: [
        { name: 'canary', count: 1, windowMs: 60_000, requireApproval: true },
        { name: 'all', percent: 100, windowMs: 30_000 },
      ],
      threshold: 0.2,
      policy: 'pause',
      baselineConfigHash: 'cli-base',
      acceptKeepNewOnFailure: true,
      stratifyBy: 'cloud.region',
      rolloutId: 'cli-every-flag',
      timing: { applyTimeoutMs: 120_000, disconnectGraceMs: 90_000, healthGraceMs: 5_000 },
      disconnectedPolicy: 'exclude',
      minCanaryAgents: 1,
      missingComponentsPolicy: 'include',
    });
    expect(json<Summary>(await roost(['rollout', 'abort', 'cli-every-flag', '-o', 'json'], env)).status).toBe('aborted');
    // --file reads from the caller's directory too, and --name names what it stores.
    const fromFile = json<Summary>(await roost(['rollout', 'start', '--selector', 'service.environment=staging', '--file', 'configs/base.yaml', '--name', 'cli-base', '--plan', 'all:100%:1m', '--accept-keep-new', '-o', 'json'], env));
    expect(json<{ configHash: string }>(await roost(['rollout', 'status', fromFile.rolloutId, '-o', 'json'], env)).configHash).toBe(base.hash);
    expect(json<Summary>(await roost(['rollout', 'abort', fromFile.rolloutId, '-o', 'json'], env)).status).toBe('aborted');
  });

  it('plans a rollout without starting it: a table of phases with strata, and JSON piped to a parser', async () => {
    const args = ['rollout', 'plan', '--group', 'production', '--config', 'cli-demo@1', '--plan', 'canary:10%:1m,all:100%', '--accept-keep-new', '--stratify-by', 'cloud.region', '--min-canary', '3', '--id', 'cli-plan'];
    const text = await roost(args, env);
    expect(text).toMatchObject({ code: 0, stderr: '' });
    expect(text.stdout).toContain('plan for rollout cli-plan: group production, config ');
    expect(text.stdout).toContain(': 20 agents match, 20 would take part');
    expect(text.stdout).toMatch(/\n {2}canary +10% +3 +3 +1m00s /);
    expect(text.stdout).toMatch(/\n {2}all +100% +17 +20 +0s /);
    expect(text.stdout).toContain('at the earliest: 1m00s');
    // The simulated collectors of this suite report no AvailableComponents: nobody is judged lacking.
    expect(text.stdout).toContain('components: no agent lacks one of the 4 the config uses (20 never reported their components: not judged)');
    expect(text.stdout).toContain('--id cli-plan');
    const piped = await cli.piped([...args, '-o', 'json'], '| jq -c "[.members, .phases[0].agents, (.firstPhaseAgents | length), .earliestMs]"', env);
    expect(piped).toMatchObject({ code: 0, stdout: '[20,3,3,60000]\n', stderr: '' });
    expect(json<{ total: number }>(await roost(['rollout', 'list', '--group', 'production', '-o', 'json'], env)).total).toBe(0);
    const unknown = await roost([...args.slice(0, 3), 'prodution', ...args.slice(4)], env);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('did you mean "production"?');
  });

  it('pipes JSON to a JSON parser and ends quietly when the reader goes away', async () => {
    const parsed = await cli.piped(['agents', 'list', '--group', 'production', '--connected', '--health', 'healthy', '--limit', '5', '--offset', '2', '-o', 'json'], '| jq -c "[.total, .offset, (.items | length)]"', env);
    expect(parsed).toMatchObject({ code: 0, stdout: '[20,2,5]\n', stderr: '' });
    const rollouts = await cli.piped(['rollout', 'list', '--status', 'aborted', '--limit', '1', '-o', 'json'], '| jq -r ".items[0].status"', env);
    expect(rollouts).toMatchObject({ code: 0, stdout: 'aborted\n', stderr: '' });
    const configs = await cli.piped(['config', 'list', '--limit', '1', '--offset', '0', '-o', 'json'], '| jq -r ".items | length"', env);
    expect(configs).toMatchObject({ code: 0, stdout: '1\n', stderr: '' });
    // A large YAML through `| head -1`: the CLI writes on after head has gone.
    const big = join(cli.cwd, 'big.yaml');
    writeFileSync(big, `${readFileSync(GOOD, 'utf8')}${'# padding to fill the pipe\n'.repeat(20_000)}`);
    await roost(['config', 'push', 'big.yaml', '--name', 'cli-big'], env);
    const head = await cli.piped(['config', 'show', 'cli-big'], '| head -1', env);
    expect(head).toMatchObject({ code: 0, stderr: '' });
    expect(head.stdout.split('\n')).toHaveLength(2);
    const disconnected = json<{ total: number }>(await roost(['agents', 'list', '--disconnected', '-o', 'json'], env));
    expect(disconnected.total).toBe(0);
  });

  it('reads a config from standard input and shows help with -h', async () => {
    const stdin = await cli.piped(['config', 'push', '-', '--name', 'cli-stdin', '-o', 'json'], `< ${JSON.stringify(GOOD)}`, env);
    expect(JSON.parse(stdin.stdout)).toMatchObject({ name: 'cli-stdin', version: 1 });
    const help = await roost(['-h']);
    expect(help).toMatchObject({ code: 0, stderr: '' });
    expect(help.stdout).toContain('Usage: roost <command>');
    expect(json<{ groups: unknown[] }>(await roost(['groups', '--server', admin.url, '--token', TOKEN, '-o', 'json'])).groups).toHaveLength(2);
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

  it("shows an agent's effective config, and how it differs from the remote config it reported or from any version", async () => {
    // every production agent runs cli-demo@1 now: the canaries of the rolled-back cli-demo@2 were sent back to it
    const page = json<{ items: { agentId: string }[] }>(await roost(['agents', 'list', '--group', 'production', '--limit', '1', '-o', 'json'], env));
    const agentId = String(page.items[0]?.agentId);
    const shown = await roost(['agents', 'config', agentId], env);
    expect(shown.code).toBe(0);
    expect(shown.stdout).toBe(readFileSync(GOOD, 'utf8'));
    const same = await roost(['agents', 'config', agentId, '--diff'], env);
    expect(same.stdout).toMatch(new RegExp(`^effective config [0-9a-f]{12} of ${agentId} is the same as cli-demo@1 \\(reported\\)\n$`));
    const against = await roost(['agents', 'config', agentId, '--against', 'cli-demo@2'], env);
    expect(against.stdout).toMatch(new RegExp(`^cli-demo@2 \\(requested\\) → effective config [0-9a-f]{12} of ${agentId}: \\+\\d+ -\\d+ lines\n  removed: exporters/otlp/backend\n`));
    expect(against.stdout).toContain('-      exporters: [debug, otlp/backend]');
    expect(json<{ agentId: string; against: { ref: string } }>(await roost(['agents', 'config', agentId, '-o', 'json'], env))).toMatchObject({ agentId, against: { ref: 'cli-demo@1' } });

    const unknown = await roost(['agents', 'config', '0190b7f8-0000-7000-8000-000000000000'], env);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('no agent 0190b7f8-0000-7000-8000-000000000000 has been seen');
    const usage = await roost(['agents', 'config'], env);
    expect([usage.code, usage.stderr]).toEqual([2, expect.stringContaining('agents config needs an agent id')]);
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

  it('undoes a completed rollout: each agent back on the config it ran before, both views linked, --fast for the undo of the undo', async () => {
    writeFileSync(join(cli.cwd, 'undo-me.yaml'), collectorYaml('detailed'));
    const rolledOut = await roost(['rollout', 'start', '--group', 'staging', '--file', 'undo-me.yaml', '--name', 'cli-undo', '--plan', 'all:100%:1s', '--health-grace', '2s', '--id', 'cli-undo-first', '--watch'], env);
    expect(rolledOut.code).toBe(0);

    const undo = json<Summary & { undoOf: string; targeted: number }>(await roost(['rollout', 'undo', 'cli-undo-first', '--id', 'cli-undo-back', '-o', 'json'], env));
    expect(undo).toMatchObject({ rolloutId: 'cli-undo-back', undoOf: 'cli-undo-first', members: 10 });
    expect((await roost(['rollout', 'status', 'cli-undo-back', '--watch'], env)).code).toBe(0);
    const agents = json<{ items: { currentConfigHash: string }[] }>(await roost(['agents', 'list', '--group', 'staging', '-o', 'json'], env));
    const demo = json<{ hash: string }>(await roost(['config', 'show', 'cli-demo@1', '-o', 'json'], env));
    expect(new Set(agents.items.map((agent) => agent.currentConfigHash))).toEqual(new Set([demo.hash]));
    expect((await roost(['rollout', 'status', 'cli-undo-first'], env)).stdout).toContain('undone by cli-undo-back (roost rollout status cli-undo-back)');
    expect((await roost(['rollout', 'status', 'cli-undo-back'], env)).stdout).toContain('undo of cli-undo-first: each agent goes back to the config it ran before');

    const fast = await roost(['rollout', 'undo', 'cli-undo-back', '--fast', '--id', 'cli-undo-again'], env);
    expect(fast).toMatchObject({ code: 0, stderr: '' });
    expect(fast.stdout).toContain('started rollout cli-undo-again, the undo of cli-undo-back: 10 agents go back to the config each ran before, phase undo (10 targeted)');
    expect((await roost(['rollout', 'status', 'cli-undo-again', '--watch'], env)).code).toBe(0);

    const nothingLeft = await roost(['rollout', 'undo', 'cli-undo-first'], env);
    expect(nothingLeft.code).toBe(1);
    expect(nothingLeft.stderr).toContain('nothing to undo in rollout cli-undo-first: none of its 10 agents can go back now: 10 changed config since the undone rollout (superseded)');
    const usage = await roost(['rollout', 'undo'], env);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain('rollout undo needs a rollout id');
  });

  it('makes an enrolment token (its text once, on the last line), lists it without its secret, revokes it, and refuses bad input saying why', async () => {
    const created = await roost(['enrolment', 'create', '--name', 'staging collectors', '--group', 'staging', '--expires-in', '7d'], env);
    expect(created.code).toBe(0);
    const lines = created.stdout.trim().split('\n');
    const text = lines.at(-1) ?? '';
    expect(text).toMatch(/^roost_et_[0-9a-f]{16}_[-_A-Za-z0-9]{43}$/);
    const id = text.slice('roost_et_'.length, 'roost_et_'.length + 16);
    expect(lines[0]).toMatch(new RegExp(`^created enrolment token ${id} "staging collectors" for group staging, expires \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d UTC$`));
    const listed = await roost(['enrolment', 'list'], env);
    expect(listed.stdout).toMatch(new RegExp(`${id}\\s+staging collectors\\s+group staging\\s+active`));
    expect(listed.stdout).not.toContain(text.slice(-43));
    const revoked = await roost(['enrolment', 'revoke', id], env);
    expect(revoked).toMatchObject({ code: 0, stdout: expect.stringContaining(`revoked enrolment token ${id} "staging collectors" (group staging)`) });
    expect(json<{ items: { id: string; state: string }[] }>(await roost(['enrolment', 'list', '-o', 'json'], env)).items.find((t) => t.id === id)?.state).toBe('revoked');

    const both = await roost(['enrolment', 'create', '--name', 'x', '--group', 'staging', '--agent', '0190b7f8-bb85-72b5-8942-8533325b988a'], env);
    expect(both).toMatchObject({ code: 2, stderr: expect.stringContaining('exactly one of --group') });
    const lifetime = await roost(['enrolment', 'create', '--name', 'x', '--group', 'staging', '--expires-in', 'soon'], env);
    expect(lifetime).toMatchObject({ code: 2, stderr: expect.stringContaining('--expires-in "soon" is not a lifetime such as 90m, 12h or 30d') });
    const unknown = await roost(['enrolment', 'revoke', '00000000000000ff'], env);
    expect(unknown).toMatchObject({ code: 1, stderr: expect.stringContaining('no enrolment token 00000000000000ff') });
    const viewer = await roost(['enrolment', 'create', '--name', 'x', '--group', 'staging'], { ROOST_URL: admin.url });
    expect(viewer.code).toBe(3);
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
