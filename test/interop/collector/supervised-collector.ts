/**
 * One real OpenTelemetry Collector run by the real opampsupervisor, as a child process of the
 * test. The supervisor connects to Roost; the probes look at the collector itself: the config the
 * supervisor wrote for it, its process (restarted or not), and its ports (see probes.ts).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import type { CollectorBinaries } from './collector-build';
import { childProcesses, processAlive, type ProcessIdentity } from './probes';
import { collectorLauncherScript, supervisorConfigYaml } from './supervisor-config';

/** How long a SIGINT'd supervisor gets to stop its collector and exit before both are killed. */
const STOP_TIMEOUT_MS = 15_000;

export interface SupervisedCollectorOptions {
  readonly binaries: CollectorBinaries;
  /** Roost's OpAMP endpoint: ws://…/v1/opamp or http://…/v1/opamp. */
  readonly serverUrl: string;
  readonly instanceUid: string;
  /** service.environment: the Roost group. */
  readonly group: string;
  /** Ports this collector owns, by environment variable name (a remote config reads them as ${env:NAME}). */
  readonly ports: Readonly<Record<string, number>>;
  readonly configApplyTimeout?: string;
  /** Extra identifying attributes. */
  readonly identifying?: Readonly<Record<string, string>>;
  /** Export the collector's own metrics this often once Roost offers where to (data-plane gates); absent: off. */
  readonly ownMetricsIntervalMs?: number;
  /** Request headers to Roost (`Authorization: Bearer <token>`). */
  readonly headers?: Readonly<Record<string, string>>;
  /** Take OpAMP connection settings Roost offers (a token handed over). */
  readonly acceptsOpampConnectionSettings?: boolean;
}

/** How a stop went: `clean` when the supervisor exited on SIGINT and took its collector with it. */
export interface StopResult {
  readonly supervisorExit: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly collectorLeftRunning: boolean;
  readonly clean: boolean;
}

/**
 * Supervisors still running. If the test process exits without stopping them (a crash, a
 * killed worker), each is sent SIGINT on the way out so it stops its collector instead of
 * retrying a gone server for ever.
 */
const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGINT');
});

export class SupervisedCollector {
  private readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  private stopped: Promise<StopResult> | null = null;

  private constructor(
    readonly instanceUid: string,
    readonly ports: Readonly<Record<string, number>>,
    /** The test's directory for this collector: supervisor.yaml, supervisor.log, storage/. */
    readonly dir: string,
    private readonly collectorPath: string,
    private readonly child: ChildProcess,
  ) {
    running.add(child);
    this.exited = new Promise((resolve) =>
      child.once('exit', (code, signal) => {
        running.delete(child);
        resolve({ code, signal });
      }),
    );
  }

  static start(o: SupervisedCollectorOptions): SupervisedCollector {
    const dir = mkdtempSync(join(tmpdir(), 'roost-collector-'));
    const storageDir = join(dir, 'storage');
    mkdirSync(storageDir);
    const configPath = join(dir, 'supervisor.yaml');
    const launcher = join(dir, 'collector-launcher.sh');
    if (o.ownMetricsIntervalMs !== undefined) writeFileSync(launcher, collectorLauncherScript(o.binaries.collector), { mode: 0o755 });
    writeFileSync(
      configPath,
      supervisorConfigYaml({
        serverUrl: o.serverUrl,
        collectorPath: o.binaries.collector,
        storageDir,
        instanceUid: o.instanceUid,
        identifying: { 'service.name': 'otelcol-roost', 'service.environment': o.group, ...o.identifying },
        env: Object.fromEntries(Object.entries(o.ports).map(([name, port]) => [name, String(port)])),
        configApplyTimeout: o.configApplyTimeout,
        logFile: join(dir, 'supervisor.log'),
        ...(o.ownMetricsIntervalMs === undefined ? {} : { ownMetrics: { launcher, exportIntervalMs: o.ownMetricsIntervalMs } }),
        ...(o.headers === undefined ? {} : { headers: o.headers }),
        ...(o.acceptsOpampConnectionSettings === undefined ? {} : { acceptsOpampConnectionSettings: o.acceptsOpampConnectionSettings }),
      }),
    );
    const child = spawn(o.binaries.supervisor, ['--config', configPath], { cwd: dir, stdio: 'ignore' });
    return new SupervisedCollector(o.instanceUid, o.ports, dir, o.binaries.collector, child);
  }

  get supervisorPid(): number {
    return this.child.pid ?? -1;
  }

  /** The collector process the supervisor runs now, or null (not started, crashed, stopped). */
  collectorProcess(): ProcessIdentity | null {
    if (this.child.pid === undefined) return null;
    return childProcesses(this.child.pid).find((p) => this.isCollector(p.pid)) ?? null;
  }

  /** The config the supervisor wrote for its collector (storage/effective.yaml), as text; null before it wrote one. */
  writtenConfigText(): string | null {
    const path = join(this.dir, 'storage', 'effective.yaml');
    return existsSync(path) ? readFileSync(path, 'utf8') : null;
  }

  /** The written config, parsed. */
  writtenConfig(): Record<string, unknown> | null {
    const text = this.writtenConfigText();
    return text === null ? null : (parse(text) as Record<string, unknown>);
  }

  /** The last lines of the supervisor's log (the collector's own log lines pass through it). */
  logTail(lines = 40): string {
    const path = join(this.dir, 'supervisor.log');
    if (!existsSync(path)) return '(no supervisor log yet)';
    return readFileSync(path, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  }

  /** True while the supervisor process runs. */
  running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /**
   * SIGINT, the one stop signal the supervisor handles: it stops its collector and exits.
   * Kills both if that takes too long.
   * Removes the collector's directory unless ROOST_KEEP_COLLECTOR_DIRS is set. At most once.
   */
  stop(): Promise<StopResult> {
    this.stopped ??= this.stopOnce();
    return this.stopped;
  }

  private async stopOnce(): Promise<StopResult> {
    const collector = this.collectorProcess();
    if (this.running()) this.child.kill('SIGINT');
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), STOP_TIMEOUT_MS)));
    const outcome = await Promise.race([this.exited, timedOut]);
    clearTimeout(timer);
    if (outcome === 'timeout') this.child.kill('SIGKILL');
    const exit = await this.exited;
    const collectorLeftRunning = collector !== null && processAlive(collector);
    if (collectorLeftRunning && collector !== null) process.kill(collector.pid, 'SIGKILL');
    if (process.env['ROOST_KEEP_COLLECTOR_DIRS'] === undefined) rmSync(this.dir, { recursive: true, force: true });
    return {
      supervisorExit: exit.code,
      signal: exit.signal,
      collectorLeftRunning,
      clean: outcome !== 'timeout' && exit.code === 0 && !collectorLeftRunning,
    };
  }

  private isCollector(pid: number): boolean {
    try {
      const argv0 = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0')[0] ?? '';
      return argv0 === this.collectorPath;
    } catch {
      return false;
    }
  }
}
