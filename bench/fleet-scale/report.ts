/** The fleet-scale benchmark's figures as two tables (headline, per process), text and Markdown. */
import { renderTable } from '../gateway/report';
import type { RolloutTiming } from './rollout-driver';

export interface Sample {
  cpuSeconds: number;
  rssBytes: number;
  /** V8 heap in use (Node processes of Roost). */
  heapUsedBytes?: number;
  /** Longest event-loop delay (blocks and time descheduled) since the previous sample (Node processes of Roost). */
  loopMaxMs?: number;
}

export interface ProcessFigures {
  name: string;
  /** Agents it serves (gateways). */
  agents?: number;
  /** A load-client process (not Roost). */
  client?: boolean;
  idle: Sample;
  afterConnect: Sample;
  /** Absent when no rollout ran (--connect-only). */
  afterRollout?: Sample;
}

export interface FleetScaleFigures {
  agents: number;
  gateways: number;
  configBytes: number;
  windowMs: number;
  connect: { allMs: number; fleetViewMs: number; p50Ms: number; p99Ms: number; failed: number; listenOverflows: number | undefined };
  /** Absent when no rollout ran (--connect-only). */
  rollout?: {
    members: number;
    appliedByOrchestrator: number;
    appliedByAgents: number;
    lastAgentAppliedS: number;
    endedS: number;
    /** Commands retried because no orchestrator surely led, or none answered. */
    refusals: { notLeader: number; unanswered: number; waitedMs: number; firstError?: string };
    timing: RolloutTiming;
  };
  processes: ProcessFigures[];
  load: { before: string; after: string };
}

/** Over this share of one core the load client is a bottleneck of its own (issue 19's rule). */
const CLIENT_CORE_LIMIT = 60;

const MB = 2 ** 20;
const f = (v: number | undefined, digits = 1): string => (v === undefined || !Number.isFinite(v) ? '—' : v.toFixed(digits));
const sum = (xs: number[]): number => xs.reduce((a, b) => a + b, 0);

export function formatReport(r: FleetScaleFigures): { text: string; markdown: string } {
  const gateways = r.processes.filter((p) => p.agents !== undefined);
  const services = r.processes.filter((p) => !p.client);
  const clients = r.processes.filter((p) => p.client);
  const connectS = r.connect.fleetViewMs / 1000;
  const rollout = r.rollout;
  const rolloutS = rollout?.endedS ?? NaN;
  const rolloutCpu = (p: ProcessFigures): number => (p.afterRollout ? p.afterRollout.cpuSeconds - p.afterConnect.cpuSeconds : NaN);
  const cpu = (ps: ProcessFigures[], stage: 'connect' | 'rollout') => sum(ps.map((p) => (stage === 'connect' ? p.afterConnect.cpuSeconds - p.idle.cpuSeconds : rolloutCpu(p))));
  const gatewayRssGrowth = sum(gateways.map((g) => g.afterConnect.rssBytes - g.idle.rssBytes));
  const gatewayRss = sum(gateways.map((g) => g.afterConnect.rssBytes));
  const clientConnectCore = (cpu(clients, 'connect') / connectS) * 100;
  const clientRolloutCore = (cpu(clients, 'rollout') / rolloutS) * 100;
  const rolloutRows = (): string[][] => {
    if (!rollout) return [];
    const t = rollout.timing;
    return [
      [`rollout of ${r.configBytes} B: 100% APPLIED (s from the start command, orchestrator's record)`, f(Math.max(...t.phases.map((p) => p.allAppliedS ?? 0)))],
      ['  the last agent sent its APPLIED (s, agent side)', f(rollout.lastAgentAppliedS)],
      ['  rollout completed (s)', f(t.completedS)],
      ['  commands retried: "not the leader" / unanswered (retrying took s)', `${rollout.refusals.notLeader} / ${rollout.refusals.unanswered} (${f(rollout.refusals.waitedMs / 1000)})`],
      ['  members / APPLIED (orchestrator) / APPLIED sent by agents / failed', `${rollout.members} / ${rollout.appliedByOrchestrator} / ${rollout.appliedByAgents} / ${t.failed}`],
      ...t.phases.map((p) => [
        `  phase ${p.name} (${p.agents} agents, window ${p.windowMs} ms): started / all APPLIED / passed (s)`,
        `${f(p.startedS)} / ${f(p.allAppliedS)} / ${f(p.passedS)}`,
      ]),
      ['gateway RSS per agent after the rollout (KB, growth over idle; after a forced GC)', f(sum(gateways.map((g) => (g.afterRollout?.rssBytes ?? NaN) - g.idle.rssBytes)) / r.agents / 1024, 2)],
    ];
  };

  const headline: string[][] = [
    ['agents connected (gateway processes)', `${r.agents} (${r.gateways} × ~${Math.round(r.agents / r.gateways)})`],
    ['connect: every agent answered (s, client processes connecting at once)', f(r.connect.allMs / 1000)],
    ['  per-agent first answer p50 / p99 (ms, worst client process)', `${f(r.connect.p50Ms, 0)} / ${f(r.connect.p99Ms, 0)}`],
    ['  every agent in the orchestrator fleet view (s)', f(connectS)],
    ['  agents that failed to connect', String(r.connect.failed)],
    ['  listen-queue overflows while connecting (kernel TcpExt ListenOverflows, whole machine)', r.connect.listenOverflows === undefined ? '—' : String(r.connect.listenOverflows)],
    ...(rollout ? [] : [['rollout', 'none (--connect-only)']]),
    ['gateway RSS per agent (KB, growth over idle / total RSS ÷ agents)', `${f(gatewayRssGrowth / r.agents / 1024, 2)} / ${f(gatewayRss / r.agents / 1024, 2)}`],
    ...rolloutRows(),
    ['gateway CPU per agent: connect / rollout (ms, user+sys)', `${f((cpu(gateways, 'connect') / r.agents) * 1000, 2)} / ${f((cpu(gateways, 'rollout') / r.agents) * 1000, 2)}`],
    ['Roost + NATS CPU: connect / rollout (s, user+sys)', `${f(cpu(services, 'connect'))} / ${f(cpu(services, 'rollout'))}`],
    ['load client CPU: connect / rollout (s, user+sys)', `${f(cpu(clients, 'connect'))} / ${f(cpu(clients, 'rollout'))}`],
    ['  as a share of one core: connect / rollout (%)', `${f(clientConnectCore, 0)} / ${f(clientRolloutCore, 0)}`],
    ['load average before / after', `${r.load.before} / ${r.load.after}`],
  ];
  const notes = [
    ...(Math.max(clientConnectCore, Number.isFinite(clientRolloutCore) ? clientRolloutCore : 0) > CLIENT_CORE_LIMIT
      ? [
          `note: the load client used more than ${CLIENT_CORE_LIMIT}% of a core (the figures above are shared with it on 2 cores; on one box this cannot be avoided): the times are upper bounds of Roost's, not Roost alone`,
        ]
      : []),
  ];
  const perProcess = r.processes.map((p) => [
    p.name,
    p.agents === undefined ? '' : String(p.agents),
    f(p.idle.rssBytes / MB, 0),
    f(p.afterConnect.rssBytes / MB, 0),
    f((p.afterRollout?.rssBytes ?? NaN) / MB, 0),
    p.afterConnect.heapUsedBytes === undefined ? '' : `${f(p.afterConnect.heapUsedBytes / MB, 0)} / ${f((p.afterRollout?.heapUsedBytes ?? NaN) / MB, 0)}`,
    f(p.afterConnect.cpuSeconds - p.idle.cpuSeconds),
    f(rolloutCpu(p)),
    p.afterConnect.loopMaxMs === undefined ? '' : `${f(p.afterConnect.loopMaxMs, 0)} / ${f(p.afterRollout?.loopMaxMs, 0)}`,
    `${f(((p.afterConnect.cpuSeconds - p.idle.cpuSeconds) / connectS) * 100, 0)} / ${f((rolloutCpu(p) / rolloutS) * 100, 0)}`,
  ]);
  const one = renderTable(['measure', 'figure'], headline, notes);
  const two = renderTable(
    ['process', 'agents', 'RSS idle (MB)', 'RSS connected (MB)', 'RSS after rollout (MB)', 'heap connected / after rollout (MB)', 'CPU connect (s)', 'CPU rollout (s)', 'event loop max delay connect / rollout (ms)', '% of a core connect / rollout'],
    perProcess,
    [],
  );
  return { text: `${one.text}\n\n${two.text}`, markdown: `${one.markdown}\n\n${two.markdown}` };
}
