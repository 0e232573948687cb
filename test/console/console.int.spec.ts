/**
 * The web console in a real Chromium (Debian's, driven by playwright-core) against Roost's
 * gateway, orchestrator, projector and admin API on real NATS and Redis, with simulated
 * collectors: a person signs in with a token, sees the fleet, starts rollouts from the page and
 * watches them advance over the server-sent events, pauses and resumes one, sees a bad config's
 * failures grouped and rolled back, sees a data-plane gate's figures on a config whose simulated
 * collectors stay healthy but fail every batch; a viewer sees no action. Assertions read the DOM; each step
 * also leaves a screenshot in tmp/console-e2e.
 */
import { sha256Hex, startAdminApi, type RunningAdminApi } from '@roost/admin-api';
import { startFleet, type RunningFleet } from '@roost/fleet-simulator';
import { startGateway } from '@roost/gateway';
import { eventually } from '@roost/testing';
import type { Browser, Locator, Page } from 'playwright-core';
import { AdminApiTestBed, collectorYaml } from '../admin-api/admin-api-test-bed';
import { buildConsoleIfStale, confirmAction, launchChromium, screenshot, signIn } from './browser';

jest.setTimeout(60_000);

const OPERATOR = 'console-operator-3b9e';
const TOKENS = () => [{ name: 'otto', role: 'operator' as const, sha256: sha256Hex(OPERATOR) }, { name: 'vera', role: 'viewer' as const, sha256: sha256Hex(VIEWER) }];
const VIEWER = 'console-viewer-51c0';
const MARKER = '# roost-sim: break';

describe('web console in Chromium', () => {
  let bed: AdminApiTestBed;
  let browser: Browser;
  let operator: Page;
  let fleet: RunningFleet;
  let restarted: RunningAdminApi | null = null;
  /** Every URL the operator's page asked for: a token must never be in one. */
  const operatorUrls: string[] = [];

  const api = (method: string, path: string, body?: unknown) => bed.http(method, path, { token: OPERATOR, body });
  const rolloutStatus = (page: Page) => page.getByTestId('rollout-status');

  beforeAll(async () => {
    buildConsoleIfStale();
    [bed, browser] = await Promise.all([
      AdminApiTestBed.start({ tokens: TOKENS() }),
      launchChromium(),
    ]);
    fleet = await startFleet({ urls: [bed.gateway.url], agents: 8, environments: 'shop', behaviours: 'fail:100', applyDelayMs: { min: 10, max: 60 }, seed: 'console' });
    await eventually(async () => (await api('GET', '/api/v1/groups/shop')).body?.connected === 8, { timeoutMs: 15_000, what: '8 agents of shop in the views' });
    for (const yaml of [collectorYaml('basic'), collectorYaml('detailed'), collectorYaml('normal', { marker: MARKER })]) {
      expect((await api('POST', '/api/v1/configs', { name: 'shop-edge', yaml })).status).toBe(201);
    }
    operator = await signIn(browser, bed.api.url, OPERATOR);
    operator.on('request', (request) => operatorUrls.push(request.url()));
  }, 60_000);

  afterAll(async () => {
    await restarted?.stop();
    await browser?.close();
    await fleet?.stop();
    await bed?.stop();
  });

  /** Starts a rollout from the form of the rollouts page and waits for its live page. */
  const startFromPage = async (configVersion: string, plan: string, options: { keepNew?: boolean; forecast?: (form: Locator) => Promise<void> } = {}): Promise<string> => {
    await operator.goto(`${bed.api.url}/#/rollouts`);
    const form = operator.getByTestId('start-rollout');
    await form.locator('select[name=group]').selectOption('shop');
    await form.locator('input[name=configVersion]').fill(configVersion);
    await form.locator('input[name=plan]').fill(plan);
    if (options.keepNew === true) await form.locator('input[name=acceptKeepNewOnFailure]').check();
    if (options.forecast !== undefined) await options.forecast(form);
    await form.getByTestId('start-button').click();
    await operator.waitForURL(/#\/rollouts\/.+/);
    await operator.getByTestId('rollout-page').waitFor();
    return decodeURIComponent(new URL(operator.url()).hash.replace('#/rollouts/', ''));
  };

  it('is served from the build as static files under its content security policy, with no token', async () => {
    const page = await fetch(`${bed.api.url}/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'; style-src 'self'");
    const html = await page.text();
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)/);
    const script = /<script type="module" crossorigin src="(\/console\/assets\/[\w.-]+\.js)"/.exec(html)?.[1];
    const asset = await fetch(`${bed.api.url}${script}`);
    expect([asset.status, asset.headers.get('content-type'), asset.headers.get('cache-control')]).toEqual([200, 'text/javascript; charset=utf-8', 'public, max-age=31536000, immutable']);
    for (const path of ['/console/..%2F..%2Fpackage.json', '/console/.inputs.sha256', '/console/assets/missing.js']) expect((await fetch(`${bed.api.url}${path}`)).status).toBe(404);
  });

  it('shows the fleet by group with the signed-in role, and an agent with its effective config', async () => {
    await operator.getByTestId('caller').getByText('otto (operator)').waitFor();
    await operator.getByTestId('group-shop').getByText('8 agents').waitFor();
    expect(await operator.getByTestId('agent-row').count()).toBe(8);
    await screenshot(operator, '01-fleet');

    await operator.getByTestId('agent-row').first().locator('a').click();
    await operator.getByTestId('agent-facts').waitFor();
    expect(await operator.getByTestId('effective-config').textContent()).toContain('receivers:');
    expect(await operator.getByTestId('capabilities').textContent()).toContain('AcceptsRemoteConfig');
    await screenshot(operator, '02-agent');
  });

  it('starts a rollout from the page and shows its phases advance live, without a reload, to completed', async () => {
    await operator.evaluate(() => Object.assign(globalThis, { stillTheSamePage: true }));
    // the live page reads the events through fetch: the token in the Authorization header, not the URL
    const stream = operator.waitForRequest((request) => request.url().endsWith('/events'));
    let forecastId: string | null = null;
    const rolloutId = await startFromPage('shop-edge@1', '2 1s, 50% 1s, 100%', {
      keepNew: true,
      forecast: async (form) => {
        await form.getByTestId('forecast-button').click();
        await form.getByTestId('forecast-phase').first().waitFor();
        expect(await form.getByTestId('forecast-phase').count()).toBe(3);
        expect(await form.getByTestId('forecast-phase').first().locator('td').nth(2).textContent()).toBe('2');
        await screenshot(operator, '03-forecast');
        forecastId = await form.getByTestId('forecast').getAttribute('data-rollout-id');
      },
    });
    // started as forecast: the same id, so exactly the forecast canaries
    expect(rolloutId).toBe(forecastId);
    const events = await stream;
    expect([events.headers()['authorization'], events.headers()['accept']]).toEqual([`Bearer ${OPERATOR}`, 'text/event-stream']);
    expect(await operator.getByTestId('phases').locator('li').count()).toBe(3);
    await operator.getByTestId('phase-0').getByTestId('phase-state').getByText('passed').waitFor({ timeout: 20_000 });
    await screenshot(operator, '04-rollout-running');
    await rolloutStatus(operator).getByText('completed').waitFor({ timeout: 20_000 });
    expect(await operator.locator('[data-testid^=phase-][data-state]').evaluateAll((items) => items.map((item) => item.getAttribute('data-state')))).toEqual(['passed', 'passed', 'passed']);
    expect(await operator.getByTestId('count-applied').textContent()).toBe('8 applied');
    expect(await operator.getByTestId('gate-0').textContent()).toBe('0 of 2 failed, 0 allowed');
    expect(await operator.getByTestId('transitions').textContent()).toContain('RolloutCompleted');
    expect(await operator.evaluate(() => (globalThis as { stillTheSamePage?: boolean }).stillTheSamePage)).toBe(true);
    expect((await api('GET', `/api/v1/rollouts/${rolloutId}`)).body.status).toBe('completed');
    await screenshot(operator, '05-rollout-completed');
  });

  it('pauses and resumes a rollout from its page, then promotes it to the end', async () => {
    const rolloutId = await startFromPage('shop-edge@2', '2 10m, 100%');
    await operator.getByTestId('phase-0').getByTestId('countdown').waitFor();
    await operator.getByTestId('action-pause').click();
    await rolloutStatus(operator).getByText('paused').waitFor();
    expect(await operator.getByTestId('action-pause').count()).toBe(0);
    await screenshot(operator, '06-rollout-paused');
    await operator.getByTestId('action-resume').click();
    await rolloutStatus(operator).getByText('in progress').waitFor();
    await operator.getByTestId('action-promote').click();
    expect(await confirmAction(operator)).toMatch(/^Promote .+: end the current phase now and widen the rollout \(up to 6 more agents\)\?$/);
    await rolloutStatus(operator).getByText('completed').waitFor({ timeout: 20_000 });
    const transitions = (await api('GET', `/api/v1/rollouts/${rolloutId}`)).body.transitions.map((t: { type: string }) => t.type);
    expect(transitions).toEqual(expect.arrayContaining(['RolloutPaused', 'RolloutResumed']));
  });

  it("groups a bad config's failures by message with the agents under each, and shows the rollback", async () => {
    await startFromPage('shop-edge@3', '2 5s, 100%');
    await rolloutStatus(operator).getByText('rolled back').waitFor({ timeout: 20_000 });
    const group = operator.getByTestId('failure-group');
    await group.first().waitFor();
    expect(await group.count()).toBe(1);
    // the first canary's failure rolls back; the second's report may come before the decision or after it
    const failed = Number(await group.getByTestId('failure-count').textContent());
    expect([1, 2]).toContain(failed);
    expect(await group.getByTestId('failure-message').textContent()).toMatch(/^invalid configuration: line 1: # roost-sim: break$/);
    expect(await group.locator('li a').count()).toBe(failed);
    expect(await operator.getByTestId('phase-0').getAttribute('data-state')).toBe('failed');
    // the figures the gate judged on: the first failure already failed the phase
    expect(await operator.getByTestId('gate-0').textContent()).toMatch(/^[12] of 2 failed, 0 allowed/);
    expect(await operator.getByTestId('actions').count()).toBe(0);
    await screenshot(operator, '07-rollout-rolled-back');
  });

  it("shows a failed canary's recent events and the rollouts it took part in, with its outcome in each", async () => {
    // the rolled-back rollout's page, from the previous step: a failed canary under its failure group
    await operator.getByTestId('failure-group').locator('li a').first().click();
    await operator.getByTestId('agent-facts').waitFor();
    const rows = operator.getByTestId('agent-rollout');
    // the three rollouts so far, newest first: the rolled-back one, then the two completed ones
    expect(await rows.locator('td:nth-child(2)').allTextContents()).toEqual(['rolled_back', 'completed', 'completed']);
    expect(await rows.first().getByTestId('agent-outcome').textContent()).toMatch(/^failed — invalid configuration: line 1: # roost-sim: break$/);
    expect(await rows.nth(1).getByTestId('agent-outcome').textContent()).toBe('applied');
    // configs are named name@version when an agent of the fleet runs them, else by their hash's first 12 digits
    const hashOf = async (ref: string): Promise<string> => String((await api('GET', `/api/v1/configs/${encodeURIComponent(ref)}`)).body.hash).slice(0, 12);
    const failedReport = `remote config FAILED ${await hashOf('shop-edge@3')} — invalid configuration: line 1: # roost-sim: break`;
    // the fleet events are projected apart from the rollout's: the report may reach the views just after the page read them
    const events = await eventually(async () => {
      const text = await operator.getByTestId('agent-events').textContent();
      if (text?.includes(failedReport) === true) return text;
      await operator.reload();
      await operator.getByTestId('agent-facts').waitFor();
      return false;
    }, { timeoutMs: 10_000, what: "the FAILED report among the agent's events" });
    expect(events).toContain(`remote config APPLIED ${await hashOf('shop-edge@1')}`);
    await screenshot(operator, '07b-agent-history');

    await rows.first().locator('a').click();
    await operator.getByTestId('rollout-page').waitFor();
    await rolloutStatus(operator).getByText('rolled back').waitFor();
  });

  it('shows a viewer no action and no start form, an operator every action, and no token in plain words', async () => {
    const started = await api('POST', '/api/v1/rollouts', { target: { group: 'shop' }, configVersion: 'shop-edge@1', plan: [{ count: 1, windowMs: 600_000 }, { percent: 100 }] });
    expect(started.status).toBe(201);
    const path = `#/rollouts/${started.body.rolloutId}`;
    const viewer = await signIn(browser, bed.api.url, VIEWER);
    await viewer.getByTestId('caller').getByText('vera (viewer)').waitFor();
    await viewer.goto(`${bed.api.url}/${path}`);
    await rolloutStatus(viewer).getByText('in progress').waitFor();
    expect(await viewer.getByTestId('actions').count()).toBe(0);
    await screenshot(viewer, '08-viewer-rollout');
    await viewer.goto(`${bed.api.url}/#/rollouts`);
    await viewer.getByTestId('rollouts').locator('tr').first().waitFor();
    expect(await viewer.getByTestId('start-rollout').count()).toBe(0);

    await operator.goto(`${bed.api.url}/${path}`);
    await operator.getByTestId('actions').waitFor();
    expect(await operator.getByTestId('actions').locator('button').allTextContents()).toEqual(['Pause', 'Promote', 'Abort', 'Roll back']);
    await operator.getByTestId('action-abort').click();
    await screenshot(operator, '08a-confirm-abort');
    expect(await confirmAction(operator)).toContain('1 agents touched');
    await rolloutStatus(operator).getByText('aborted').waitFor();
    // an ended rollout offers its undo: a rollout of its own, followed on its own page
    await operator.getByTestId('action-undo').click();
    await confirmAction(operator);
    await operator.waitForURL((url) => url.hash.startsWith('#/rollouts/') && !url.hash.endsWith(String(started.body.rolloutId)));
    await operator.getByTestId('rollout-page').waitFor();
    const undoId = decodeURIComponent(new URL(operator.url()).hash.replace('#/rollouts/', ''));
    expect((await api('GET', `/api/v1/rollouts/${undoId}`)).body.undoOf).toBe(started.body.rolloutId);
    expect(await operator.getByTestId('undo-of').textContent()).toBe(started.body.rolloutId);
    await screenshot(operator, '08b-undo-started');
    expect((await api('POST', `/api/v1/rollouts/${undoId}/abort`, {})).status).toBe(200);

    const nobody = await signIn(browser, bed.api.url, null);
    await nobody.getByTestId('problem').getByText('This Roost needs a token').waitFor();
    expect(await nobody.getByTestId('caller').textContent()).toBe('not signed in');
    await screenshot(nobody, '09-no-token');
  });

  it('shows a config\'s versions and the diff of any two, and refuses a broken new version with its line and column', async () => {
    await operator.goto(`${bed.api.url}/#/configs/shop-edge?version=2&from=1&to=2`);
    await operator.getByTestId('diff-summary').waitFor();
    expect(await operator.getByTestId('versions').locator('tbody tr').count()).toBe(3);
    expect(await operator.getByTestId('diff-summary').textContent()).toBe('1 added, 1 removed; components changed: exporters/debug');
    expect(await operator.getByTestId('config-diff').textContent()).toContain('+    verbosity: detailed');
    expect(await operator.getByTestId('config-yaml').textContent()).toBe(collectorYaml('detailed'));
    await operator.getByTestId('config-editor').fill('receivers:\n  otlp: [\n');
    await operator.getByTestId('save-config').click();
    await operator.getByTestId('config-issues').locator('li').first().waitFor();
    expect(await operator.getByTestId('config-issues').textContent()).toMatch(/^line \d+, column \d+: /);
    await screenshot(operator, '10-config-refused');
    await operator.getByTestId('config-editor').fill(collectorYaml('verbose'));
    await operator.getByTestId('save-config').click();
    await operator.waitForURL(/version=4$/);
    await operator.getByRole('heading', { name: 'shop-edge@4' }).waitFor();
    expect(await operator.getByTestId('config-yaml').textContent()).toBe(collectorYaml('verbose'));
  });

  it("shows a data-plane gate's canary and control figures against the threshold, and the canaries it failed grouped under it", async () => {
    // A gateway that offers own_metrics, and simulated collectors that stay healthy but fail every batch under the marked config.
    const gateway = await startGateway({ port: 0, host: '127.0.0.1', gatewayId: 'gw-own-metrics', heartbeatIntervalSeconds: null, pingIntervalMs: 60_000, ownMetrics: true }, bed.client);
    const drops = await startFleet({ urls: [gateway.url], agents: 6, environments: 'edge', behaviours: 'drops:100', applyDelayMs: { min: 10, max: 60 }, ownMetricsIntervalMs: 200, seed: 'console-drops' });
    try {
      await eventually(async () => (await api('GET', '/api/v1/groups/edge')).body?.connected === 6, { timeoutMs: 15_000, what: '6 agents of edge in the views' });
      for (const yaml of [collectorYaml('basic'), collectorYaml('normal', { marker: MARKER })]) expect((await api('POST', '/api/v1/configs', { name: 'edge-sim', yaml })).status).toBe(201);
      const gate = 'exporter.failed_ratio <= control+0.01';
      const rollOut = async (configVersion: string, extra: Record<string, unknown> = {}) => {
        const started = await api('POST', '/api/v1/rollouts', { target: { group: 'edge' }, configVersion, plan: [{ name: 'canary', count: 2, windowMs: 2_500 }, { percent: 100 }], dataPlane: { gates: [gate] }, ...extra });
        expect(started.status).toBe(201);
        await operator.goto(`${bed.api.url}/#/rollouts/${started.body.rolloutId}`);
        await operator.getByTestId('rollout-page').waitFor();
      };
      await rollOut('edge-sim@1', { acceptKeepNewOnFailure: true });
      await rolloutStatus(operator).getByText('completed').waitFor({ timeout: 20_000 });
      expect(await operator.getByTestId('data-plane-headline-0').textContent()).toBe('data plane: passed');

      await rollOut('edge-sim@2');
      await rolloutStatus(operator).getByText('rolled back').waitFor({ timeout: 20_000 });
      expect(await operator.getByTestId('data-plane-headline-0').textContent()).toBe('data plane: failed');
      const row = operator.getByTestId('data-plane-0').getByTestId('data-plane-gate');
      expect([await row.getByTestId('gate-canary').textContent(), await row.getByTestId('gate-control').textContent(), await row.getByTestId('gate-threshold').textContent()]).toEqual(['100%', '0%', '1%']);
      expect(await row.getByTestId('gate-outcome').textContent()).toBe('FAIL — canary 1 is not <= 0.01 (control 0)');
      expect(await operator.getByTestId('data-plane-cohorts').textContent()).toBe('canaries: 2 of 2 reportingcontrol: 4 of 4 reporting');
      const group = operator.getByTestId('failure-group');
      expect(await group.getByTestId('failure-message').textContent()).toBe(`data-plane gate failed: ${gate}`);
      expect(await group.getByTestId('failure-count').textContent()).toBe('2');
      await screenshot(operator, '11-data-plane-gate-failed');
    } finally {
      await drops.stop();
      await gateway.stop();
    }
  });

  it('follows a rollout again after its admin API restarted under the page, and shows what changed meanwhile', async () => {
    // (the undo above put the fleet back on version 2: version 1 has agents to go to)
    const started = await api('POST', '/api/v1/rollouts', { target: { group: 'shop' }, configVersion: 'shop-edge@1', plan: [{ count: 1, windowMs: 600_000 }, { percent: 100 }] });
    expect(started.status).toBe(201);
    await operator.goto(`${bed.api.url}/#/rollouts/${started.body.rolloutId}`);
    await rolloutStatus(operator).getByText('in progress').waitFor();
    await operator.evaluate(() => Object.assign(globalThis, { stillTheSamePage: true }));
    const port = Number(new URL(bed.api.url).port);
    await bed.api.stop();
    restarted = await startAdminApi({ httpPort: port, grpcPort: null, watchIntervalMs: 100, tokens: TOKENS() }, bed.client);
    // this process's HTTP client may still hold a socket to the stopped server: a request on it never reached the new one
    const paused = await eventually(
      () => fetch(`${restarted?.url}/api/v1/rollouts/${started.body.rolloutId}/pause`, { method: 'POST', headers: { authorization: `Bearer ${OPERATOR}`, 'content-type': 'application/json' }, body: '{}' }).catch(() => undefined),
      { timeoutMs: 5_000, what: 'the restarted admin API to take the pause' },
    );
    expect(paused.status).toBe(200);
    await rolloutStatus(operator).getByText('paused').waitFor({ timeout: 15_000 });
    await operator.getByTestId('live').getByText('● live').waitFor();
    expect(await operator.evaluate(() => (globalThis as { stillTheSamePage?: boolean }).stillTheSamePage)).toBe(true);
    await operator.getByTestId('action-abort').click();
    await confirmAction(operator);
    await rolloutStatus(operator).getByText('aborted').waitFor();
    expect(operatorUrls.length).toBeGreaterThan(20);
    expect(operatorUrls.filter((url) => url.includes(OPERATOR))).toEqual([]);
  });
});
