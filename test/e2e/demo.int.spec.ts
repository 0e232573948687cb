import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { startNatsServer, startRedisServer, type TestServer } from '@roost/testing';
import { REPO_ROOT } from './roost-cli';

const DEMO = join(REPO_ROOT, 'services/cli/src/demo/demo-main.ts');

interface DemoRun {
  readonly code: number;
  readonly stdout: string;
  readonly summary: { ok: boolean; problems: string[]; sentBadConfig: number; productionOnGood: number; production: number; rollouts: { target: string; status: string; applied: number; members: number }[] };
}

/** Runs `npm run demo` as its own process (it starts Roost as further processes) and reads its summary. */
function runDemo(extra: readonly string[]): Promise<DemoRun> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', DEMO, '--agents', '60', '--window', '2s', '--summary-json', ...extra],
      { cwd: REPO_ROOT, env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '' }, timeout: 170_000, maxBuffer: 32 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const last = stdout.trim().split('\n').at(-1) ?? '';
        if (!last.startsWith('{"summary"')) return reject(new Error(`the demo printed no summary (exit ${error?.code ?? 0}):\n${stdout.slice(-3000)}\n${stderr.slice(-3000)}`));
        resolve({ code: error === null ? 0 : Number(error.code ?? 1), stdout, summary: (JSON.parse(last) as { summary: DemoRun['summary'] }).summary });
      },
    );
  });
}

function expectDesignedOutcome(run: DemoRun): void {
  expect(run.summary.problems).toEqual([]);
  expect(run.summary.rollouts.map((r) => [r.target, r.status])).toEqual([
    ['group staging', 'completed'],
    ['group production', 'completed'],
    ['group production', 'rolled_back'],
  ]);
  expect(run.summary.rollouts[1]).toMatchObject({ applied: 40, members: 40 });
  expect(run.summary.sentBadConfig).toBeGreaterThan(0);
  expect(run.summary.sentBadConfig).toBeLessThanOrEqual(4);
  expect(run.summary.productionOnGood).toBe(40);
  expect(run.code).toBe(0);
  expect(run.stdout).toContain('Demo finished: everything went as designed.');
}

describe('the demo, end to end', () => {
  it('runs its flow against the all-in-one process: good rollouts complete, the bad one is rolled back at the canaries', async () => {
    const run = await runDemo(['--seed', 'e2e-all-in-one']);
    expectDesignedOutcome(run);
    expect(run.stdout).toContain('Starting Roost in one process, in-memory state');
    expect(run.stdout).toMatch(/watch the rollouts live in the web console: http:\/\/127\.0\.0\.1:\d+\/\n/);
    expect(run.stdout).toMatch(/\$ roost rollout start --group production --config otel-demo@2 .*\n(.*\n)*.*ROLLED_BACK/);
  }, 180_000);

  describe('with each service as its own process on NATS and Redis', () => {
    let nats: TestServer;
    let redis: TestServer;

    beforeAll(async () => {
      [nats, redis] = await Promise.all([startNatsServer(), startRedisServer()]);
    });

    afterAll(async () => {
      await Promise.all([nats?.stop(), redis?.stop()]);
    });

    it('runs the same flow with the same outcome', async () => {
      const run = await runDemo(['--seed', 'e2e-cluster', '--nats-url', nats.url, '--redis-url', redis.url]);
      expectDesignedOutcome(run);
      expect(run.stdout).toContain('Starting Roost as one process per service on NATS and Redis');
    }, 180_000);
  });
});
