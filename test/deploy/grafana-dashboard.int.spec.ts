/**
 * deploy/grafana/roost-dashboard.json against a running Roost: the `roost-server` binary is
 * started (every service in one process), the metric names are read from every `/metrics`
 * endpoint it announces, and every query of the dashboard must name only metrics found there.
 * Nothing is listed by hand: a renamed or removed metric fails here.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { REPO_ROOT } from './code-facts';

jest.setTimeout(90_000);

const DASHBOARD = join(REPO_ROOT, 'deploy/grafana/roost-dashboard.json');

interface Endpoint {
  readonly service: string;
  readonly what: string;
  readonly url: string;
}

interface Panel {
  readonly type: string;
  readonly title: string;
  readonly datasource?: { readonly uid?: string };
  readonly targets?: readonly { readonly expr: string; readonly datasource?: { readonly uid?: string } }[];
}

/** Starts the server on free ports and resolves with the endpoints of its `roost ready` log line. */
function startServer(): Promise<{ child: ChildProcess; endpoints: Endpoint[] }> {
  const ports = ['--gateway-port', '0', '--projector-port', '0', '--orchestrator-port', '0', '--admin-port', '0', '--grpc-port', 'off'];
  const child = spawn(process.execPath, [join(REPO_ROOT, 'bin/roost-server.mjs'), ...ports, '--log-format', 'json'], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`roost-server exited (${code}) before it was ready`)));
    createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', (line) => {
      const entry = JSON.parse(line) as { msg?: string; endpoints?: Endpoint[] };
      if (entry.msg === 'roost ready' && entry.endpoints !== undefined) resolve({ child, endpoints: entry.endpoints });
    });
  });
}

/** Metric names a Prometheus text exposition declares (`# TYPE`), with a histogram's series names. */
function metricNames(text: string): Set<string> {
  const names = new Set<string>();
  for (const match of text.matchAll(/^# TYPE (\S+) (\S+)$/gm)) {
    const [, name = '', type] = match;
    names.add(name);
    if (type === 'histogram') for (const suffix of ['_bucket', '_sum', '_count']) names.add(`${name}${suffix}`);
    if (type === 'summary') for (const suffix of ['_sum', '_count']) names.add(`${name}${suffix}`);
  }
  return names;
}

function queries(panels: readonly Panel[]): { panel: string; expr: string }[] {
  return panels.flatMap((panel) => (panel.targets ?? []).map((target) => ({ panel: panel.title, expr: target.expr })));
}

/** The Roost metric names a PromQL expression reads. */
function metricsIn(expr: string): string[] {
  return [...expr.matchAll(/\broost_[a-z0-9_]+\b/g)].map((match) => match[0]);
}

describe('the Grafana dashboard in deploy/', () => {
  let server: ChildProcess | null = null;
  let byService: Map<string, Set<string>>;
  const dashboard = JSON.parse(readFileSync(DASHBOARD, 'utf8')) as { uid: string; title: string; panels: Panel[]; templating: { list: { name: string; type: string }[] } };

  beforeAll(async () => {
    const started = await startServer();
    server = started.child;
    const scraped = started.endpoints.filter((endpoint) => endpoint.url.endsWith('/metrics'));
    byService = new Map();
    for (const endpoint of scraped) {
      const response = await fetch(endpoint.url);
      expect(response.status).toBe(200);
      byService.set(endpoint.service, metricNames(await response.text()));
    }
  });

  afterAll(async () => {
    if (server === null || server.exitCode !== null) return;
    const exited = new Promise((resolve) => server?.once('exit', resolve));
    server.kill('SIGTERM');
    await exited;
  });

  it('scrapes the metrics of every service of a running Roost', () => {
    expect([...byService.keys()].sort()).toEqual(['admin-api', 'gateway', 'orchestrator', 'projector']);
    expect(byService.get('orchestrator')).toContain('roost_orchestrator_leader');
    expect(byService.get('admin-api')).toContain('roost_admin_requests_total');
    expect(byService.get('gateway')).toContain('roost_gateway_agents');
    expect(byService.get('projector')).toContain('roost_projector_lag_events');
  });

  it('names in every query only metrics Roost exports', () => {
    const exported = new Set([...byService.values()].flatMap((names) => [...names]));
    const all = queries(dashboard.panels);
    expect(all.length).toBeGreaterThan(20);
    const unknown = all.flatMap(({ panel, expr }) => metricsIn(expr).filter((name) => !exported.has(name)).map((name) => `${panel}: ${name}`));
    expect(unknown).toEqual([]);
    const withoutMetric = all.filter(({ expr }) => metricsIn(expr).length === 0);
    expect(withoutMetric).toEqual([]);
  });

  it('shows every metric of the orchestrator and the admin API, and the gateway', () => {
    const used = new Set(queries(dashboard.panels).flatMap(({ expr }) => metricsIn(expr)));
    const family = (name: string): string => name.replace(/_(bucket|sum|count)$/, '');
    const usedFamilies = new Set([...used].map(family));
    for (const service of ['orchestrator', 'admin-api']) {
      const missing = [...(byService.get(service) ?? [])].filter((name) => !/_(bucket|sum|count)$/.test(name) && !usedFamilies.has(name));
      expect({ service, missing }).toEqual({ service, missing: [] });
    }
    expect([...used].filter((name) => byService.get('gateway')?.has(name)).length).toBeGreaterThanOrEqual(8);
  });

  it('reads one Prometheus data source chosen on import', () => {
    expect(dashboard).toMatchObject({ uid: 'roost-overview', title: 'Roost' });
    expect(dashboard.templating.list).toContainEqual(expect.objectContaining({ name: 'datasource', type: 'datasource' }));
    for (const panel of dashboard.panels.filter((p) => p.type !== 'row')) {
      expect({ panel: panel.title, uid: panel.datasource?.uid }).toEqual({ panel: panel.title, uid: '${datasource}' });
    }
  });
});
