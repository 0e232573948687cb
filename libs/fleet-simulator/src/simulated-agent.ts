import Long from 'long';
import { AgentCapability, ServerToAgentFlag, bitsOf, hasFlag, instanceUidToBytes, parseInstanceUid, type AgentToServerInit, type ServerToAgent } from '@roost/opamp';
import type { Logger } from '@roost/ports';
import { availableComponentsOf, descriptionOf, effectiveConfigOf, healthOf, LOCAL_CONFIG, remoteStatusOf, REPORTS_OWN_METRICS, SIMULATED_CAPABILITIES } from './agent-messages';
import { exportFails, reactTo, type AgentReport, type HeldConfig } from './behaviour';
import type { Connection, ConnectionHooks } from './connection';
import type { AgentPlan } from './fleet-plan';
import { HttpConnection } from './http-connection';
import { advance, ownMetricsExport, sendOwnMetrics, type OwnCounters, type OwnMetricsOffer } from './own-metrics';
import { between, exponential, seededRandom, type Random } from './seeded-random';
import { WsConnection } from './ws-connection';

export interface AgentSettings {
  readonly transport: 'ws' | 'http';
  readonly urls: readonly string[];
  readonly headers: Readonly<Record<string, string>>;
  readonly pollIntervalMs: number;
  readonly applyDelayMs: { readonly min: number; readonly max: number };
  readonly marker: string;
  /** Flaky agents stay connected for an exponentially distributed time of this mean … */
  readonly flakyUptimeMs: number;
  /** … then stay away for a time in this range. */
  readonly flakyDowntimeMs: { readonly min: number; readonly max: number };
  readonly logger: Logger;
  readonly now: () => number;
  /** The components it reports it can run (`kind/type`), as a collector distribution does; null: it reports none. */
  readonly components: readonly string[] | null;
  /** With ReportsOwnMetrics: sends its own metrics this often where own_metrics is offered; null: it lacks the capability. */
  readonly ownMetricsIntervalMs: number | null;
}

/** What happened to an agent, for the fleet's counters and progress output. */
export type AgentEvent =
  | { readonly kind: 'connected'; readonly url: string }
  | { readonly kind: 'disconnected' }
  | { readonly kind: 'offered'; readonly hash: string }
  | { readonly kind: 'reported'; readonly report: AgentReport }
  | { readonly kind: 'own_metrics'; readonly status: number | string };

export interface AgentSnapshot {
  readonly agentId: string;
  readonly environment: string;
  readonly region: string;
  readonly behaviour: AgentPlan['behaviour'];
  readonly connected: boolean;
  /** Hash of the remote config it runs; null = its local config. */
  readonly runningHash: string | null;
  readonly remoteStatus: AgentReport['remoteStatus'] | null;
  readonly healthy: boolean;
}

const HEALTHY = { healthy: true, lastError: '' };
const REPORTS_AVAILABLE_COMPONENTS = bitsOf(AgentCapability.ReportsAvailableComponents);

/**
 * One simulated collector: it describes itself, reports health, remote config status and
 * effective config (status compression: only what changed), and answers each config offer as
 * its behaviour dictates. What it runs survives reconnects, as a collector's config on disk.
 */
export class SimulatedAgent implements ConnectionHooks {
  private agentId: string;
  private running: HeldConfig = LOCAL_CONFIG;
  private remoteStatus: NonNullable<AgentReport['remoteStatus']> | null = null;
  private health: NonNullable<AgentReport['health']> = HEALTHY;
  private sequence = 0;
  /** The hash being applied now; a new offer supersedes it (its pending steps are dropped). */
  private applying: { readonly hash: string; readonly generation: number } | null = null;
  private generation = 0;
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly random: Random;
  private readonly startedAt: number;
  private readonly connection: Connection;
  private stopped = false;
  /** Where its own metrics go (the last own_metrics offer), and its collector process's counters. */
  private ownMetrics: OwnMetricsOffer | null = null;
  private ownTimer: NodeJS.Timeout | null = null;
  private counters: OwnCounters;

  constructor(
    readonly plan: AgentPlan,
    private readonly settings: AgentSettings,
    private readonly listener: (agent: SimulatedAgent, event: AgentEvent) => void,
  ) {
    this.agentId = plan.agentId;
    this.random = seededRandom(plan.seed);
    this.startedAt = settings.now();
    this.counters = { startMs: this.startedAt, accepted: 0, sent: 0, failed: 0 };
    const options = { urls: settings.urls, startIndex: plan.index, headers: settings.headers, random: this.random, logger: settings.logger, pollIntervalMs: settings.pollIntervalMs };
    this.connection = settings.transport === 'ws' ? new WsConnection(this, options) : new HttpConnection(this, options);
  }

  get id(): string {
    return this.agentId;
  }

  start(): void {
    this.connection.start();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.ownTimer !== null) clearInterval(this.ownTimer);
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    await this.connection.stop();
  }

  snapshot(): AgentSnapshot {
    const { environment, region, behaviour } = this.plan;
    return { agentId: this.agentId, environment, region, behaviour, connected: this.connection.connected, runningHash: this.running.hash, remoteStatus: this.remoteStatus, healthy: this.health.healthy };
  }

  envelope(init: AgentToServerInit): AgentToServerInit {
    let capabilities = this.settings.components === null ? SIMULATED_CAPABILITIES : SIMULATED_CAPABILITIES.or(REPORTS_AVAILABLE_COMPONENTS);
    if (this.settings.ownMetricsIntervalMs !== null) capabilities = capabilities.or(REPORTS_OWN_METRICS);
    return { instanceUid: instanceUidToBytes(this.agentId), sequenceNum: Long.fromNumber(this.sequence++, true), capabilities, ...init };
  }

  fullState(): AgentToServerInit {
    return {
      agentDescription: descriptionOf(this.plan),
      health: healthOf(this.health, this.startedAt, this.settings.now()),
      remoteConfigStatus: remoteStatusOf(this.remoteStatus),
      effectiveConfig: effectiveConfigOf(this.running),
      ...(this.settings.components === null ? {} : { availableComponents: availableComponentsOf(this.settings.components, false) }),
    };
  }

  onConnected(url: string): void {
    this.listener(this, { kind: 'connected', url });
    if (this.plan.behaviour === 'flaky') this.later(exponential(this.random, this.settings.flakyUptimeMs), () => this.cutConnection());
  }

  onDisconnected(): void {
    this.listener(this, { kind: 'disconnected' });
  }

  onMessage(message: ServerToAgent): void {
    const newUid = message.agentIdentification?.newInstanceUid;
    if (newUid && newUid.length > 0) this.agentId = parseInstanceUid(newUid).text;
    if (hasFlag(message.flags ?? 0, ServerToAgentFlag.ReportFullState)) this.connection.push(this.fullState());
    if (hasFlag(message.flags ?? 0, ServerToAgentFlag.ReportAvailableComponents) && this.settings.components !== null) {
      this.connection.push({ availableComponents: availableComponentsOf(this.settings.components, true) });
    }
    const own = message.connectionSettings?.ownMetrics;
    if (own?.destinationEndpoint && this.settings.ownMetricsIntervalMs !== null) {
      this.offeredOwnMetrics({ endpoint: own.destinationEndpoint, headers: Object.fromEntries((own.headers?.headers ?? []).map((header) => [header.key ?? '', header.value ?? ''])) });
    }
    const remote = message.remoteConfig;
    if (remote?.configHash && remote.configHash.length > 0) this.offered(Buffer.from(remote.configHash).toString('hex'), remote.config?.configMap ?? {});
  }

  private offered(hash: string, files: Readonly<Record<string, { body?: Uint8Array | null; contentType?: string | null }>>): void {
    if (this.applying?.hash === hash) return;
    this.listener(this, { kind: 'offered', hash });
    const names = Object.keys(files).sort();
    const held = {
      hash,
      body: names.map((name) => Buffer.from(files[name]?.body ?? new Uint8Array(0)).toString('utf8')).join('\n'),
      files: Object.fromEntries(names.map((name) => [name, { body: files[name]?.body ?? new Uint8Array(0), contentType: files[name]?.contentType ?? '' }])),
    };
    const generation = ++this.generation;
    this.applying = { hash, generation };
    const steps = reactTo(this.plan.behaviour, held, this.running, between(this.random, this.settings.applyDelayMs.min, this.settings.applyDelayMs.max), this.settings.marker);
    // Each step schedules the next, so reports keep their order even 1 ms apart.
    const run = (index: number, at: number): void => {
      const step = steps[index];
      if (step === undefined || this.generation !== generation) return;
      const go = (): void => {
        if (this.generation !== generation) return;
        if (index === steps.length - 1) this.applying = null;
        this.report(step.report);
        run(index + 1, step.afterMs);
      };
      if (step.afterMs === at) go();
      else this.later(step.afterMs - at, go);
    };
    run(0, 0);
  }

  /**
   * As the supervisor does on an own_metrics offer: the collector exports its own metrics there,
   * every interval, with the offered headers (a later offer replaces the earlier one).
   */
  private offeredOwnMetrics(offer: OwnMetricsOffer): void {
    this.ownMetrics = offer;
    if (this.ownTimer !== null || this.stopped) return;
    const interval = this.settings.ownMetricsIntervalMs ?? 60_000;
    let last = this.settings.now();
    this.ownTimer = setInterval(() => {
      const now = this.settings.now();
      const fails = exportFails(this.plan.behaviour, this.running, this.settings.marker);
      advance(this.counters, now - last, fails);
      last = now;
      const destination = this.ownMetrics;
      if (destination === null) return;
      void sendOwnMetrics(destination, ownMetricsExport(this.agentId, this.counters, now, fails)).then((status) => {
        if (!this.stopped) this.listener(this, { kind: 'own_metrics', status });
      });
    }, interval);
  }

  private report(report: AgentReport): void {
    const message: AgentToServerInit = {};
    if (report.runs) {
      // A new config restarts the collector: its own counters begin again.
      if (report.runs.hash !== this.running.hash) this.counters = { startMs: this.settings.now(), accepted: 0, sent: 0, failed: 0 };
      this.running = report.runs;
      message.effectiveConfig = effectiveConfigOf(report.runs);
    }
    if (report.remoteStatus) {
      this.remoteStatus = report.remoteStatus;
      message.remoteConfigStatus = remoteStatusOf(report.remoteStatus);
    }
    if (report.health) {
      this.health = report.health;
      message.health = healthOf(report.health, this.startedAt, this.settings.now());
    }
    this.connection.push(message);
    this.listener(this, { kind: 'reported', report });
  }

  /** A crash or network cut: no goodbye; back after the downtime. */
  private cutConnection(): void {
    if (this.stopped || !this.connection.connected) return;
    this.connection.drop();
    this.later(between(this.random, this.settings.flakyDowntimeMs.min, this.settings.flakyDowntimeMs.max), () => this.connection.start());
  }

  private later(ms: number, run: () => void): void {
    if (this.stopped) return;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      run();
    }, ms);
    this.timers.add(timer);
  }
}
