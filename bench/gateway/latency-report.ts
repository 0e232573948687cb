/**
 * The latency benchmark's one table: a column per server setup (the Roost gateway, the bare ws
 * server, the opamp-go peer, two gateway processes), a row per figure, and the ratios
 * Roost/bare ws, Roost/opamp-go and 2 Roost processes/opamp-go where a ratio means something.
 */
import { CLIENT_CPU_LIMIT_PERCENT, GRACE_MS, type ColumnResult, type LatencyStep, type StormResult } from './latency-scenarios';
import { renderTable } from './report';
import type { Outcome } from './scenarios';

export type ColumnName = 'gateway' | 'baseline' | 'opamp-go' | 'gateway-x2';

export type ColumnFigures = ColumnResult;

export const COLUMN_TITLES: Record<ColumnName, string> = {
  gateway: 'Roost gateway',
  baseline: 'bare ws',
  'opamp-go': 'opamp-go',
  'gateway-x2': 'Roost, 2 processes',
};

const RATIOS: [string, ColumnName, ColumnName][] = [
  ['Roost/bare ws', 'gateway', 'baseline'],
  ['Roost/opamp-go', 'gateway', 'opamp-go'],
  ['2 Roost/opamp-go', 'gateway-x2', 'opamp-go'],
];

type Cell = { value?: number; text: string };
type Figures = Partial<Record<ColumnName, ColumnFigures>>;

interface Row {
  label: string;
  cell: (f: ColumnFigures | undefined) => Cell;
  /** Whether a ratio of two columns' values of this row is worth printing. */
  ratio?: boolean;
}

const ok = <T>(o: Outcome<T> | undefined): T | undefined => (o && 'ok' in o ? o.ok : undefined);
const MB = 1024 * 1024;
const none: Cell = { text: '—' };

function num(value: number | undefined, digits: number): Cell {
  if (value === undefined || Number.isNaN(value)) return none;
  const text = value === Infinity ? `> ${GRACE_MS / 1000} s` : value.toFixed(digits);
  return { value, text: /^-0(\.0*)?$/.test(text) ? text.slice(1) : text };
}

/** A figure of a step; a latency figure (`guarded`) reads "invalid" when the step measured the load client. */
function stepCell(step: LatencyStep | undefined, pick: (s: LatencyStep) => number | undefined, digits: number, guarded = false): Cell {
  if (!step) return none;
  if (guarded && step.invalid) return { text: 'invalid' };
  return num(pick(step), digits);
}

function rows(o: { rates: number[]; agents: number; storm: number; overloadLabel: string }): Row[] {
  const step = (i: number) => (f: ColumnFigures | undefined) => ok(f?.load)?.steps[i];
  const over = (f: ColumnFigures | undefined) => ok(f?.load)?.overload;
  const storm = (pick: (s: StormResult) => number | undefined, digits: number) => (f: ColumnFigures | undefined) => {
    const s = ok(f?.storm);
    return s ? num(pick(s), digits) : none;
  };
  return [
    ...o.rates.flatMap((rate, i): Row[] => [
      { label: `${rate} reports/s over ${o.agents} agents: reply p50 at the agent (ms)`, cell: (f) => stepCell(step(i)(f), (s) => s.p50Ms, 1, true), ratio: true },
      { label: '  reply p99 at the agent (ms)', cell: (f) => stepCell(step(i)(f), (s) => s.p99Ms, 1, true), ratio: true },
      { label: `  replies timed / unanswered after ${GRACE_MS / 1000} s`, cell: (f) => {
        const s = step(i)(f);
        return { text: s ? `${s.samples} / ${s.unanswered}` : '—' };
      } },
      { label: '  server processed /s', cell: (f) => stepCell(step(i)(f), (s) => s.processedPerSecond, 0), ratio: true },
      { label: '  server CPU (% of one core)', cell: (f) => stepCell(step(i)(f), (s) => s.serverCpuPercent, 0, true), ratio: true },
      { label: '  server event-loop delay p99 / max (ms)', cell: (f) => {
        const s = step(i)(f);
        return { text: s?.serverLoopP99Ms !== undefined ? `${s.serverLoopP99Ms.toFixed(1)} / ${s.serverLoopMaxMs!.toFixed(1)}` : '—' };
      } },
      { label: `  load client CPU, busiest (% of a core, valid ≤ ${CLIENT_CPU_LIMIT_PERCENT})`, cell: (f) => stepCell(step(i)(f), (s) => s.clientCpuPercent, 0) },
      { label: '  load average (1 min) at the end', cell: (f) => stepCell(step(i)(f), (s) => s.loadAverage, 2) },
    ]),
    { label: 'capacity: most processed /s in a step', cell: (f) => {
      const l = ok(f?.load);
      if (!l) return none;
      return l.capacityLimit === 'server' ? num(l.capacityPerSecond, 0) : { text: `≥ ${l.capacityPerSecond.toFixed(0)} (${l.capacityLimit})` };
    }, ratio: true },
    { label: `overload: offered /s (${o.overloadLabel})`, cell: (f) => stepCell(over(f), (s) => s.offeredPerSecond, 0) },
    { label: '  sent by the load clients /s', cell: (f) => stepCell(over(f), (s) => s.sentPerSecond, 0) },
    { label: '  processed /s', cell: (f) => stepCell(over(f), (s) => s.processedPerSecond, 0, true), ratio: true },
    { label: '  processed, % of its capacity', cell: (f) => {
      const l = ok(f?.load);
      const s = l?.overload;
      if (!l || !s) return none;
      if (s.invalid) return { text: 'invalid' };
      const share = num((s.processedPerSecond / l.capacityPerSecond) * 100, 0);
      return l.capacityLimit === 'server' ? share : { text: `≤ ${share.text}` };
    } },
    { label: '  reply p99 at the agent (ms)', cell: (f) => stepCell(over(f), (s) => s.p99Ms, 1, true), ratio: true },
    { label: `  unanswered after ${GRACE_MS / 1000} s`, cell: (f) => stepCell(over(f), (s) => s.unanswered, 0) },
    { label: '  server RSS before → peak (MB)', cell: (f) => {
      const s = over(f);
      return s ? { text: `${(s.rssBeforeBytes / MB).toFixed(0)} → ${(s.rssPeakBytes / MB).toFixed(0)}` } : none;
    } },
    { label: '  server RSS growth to the peak (MB)', cell: (f) => stepCell(over(f), (s) => (s.rssPeakBytes - over(f)!.rssBeforeBytes) / MB, 0) },
    { label: '  server CPU (% of one core)', cell: (f) => stepCell(over(f), (s) => s.serverCpuPercent, 0) },
    { label: `  load client CPU, busiest (% of a core, valid ≤ ${CLIENT_CPU_LIMIT_PERCENT})`, cell: (f) => stepCell(over(f), (s) => s.clientCpuPercent, 0) },
    { label: '  load average (1 min) at the end', cell: (f) => stepCell(over(f), (s) => s.loadAverage, 2) },
    { label: `connect storm of ${o.storm}: all first replies (ms)`, cell: storm((s) => s.allFirstRepliesMs, 0), ratio: true },
    { label: '  agents failed to connect', cell: storm((s) => s.failed, 0) },
    { label: '  listen-queue overflows (kernel, whole machine)', cell: storm((s) => s.listenOverflows, 0) },
    { label: '  load average (1 min) at the end', cell: storm((s) => s.loadAverage, 2) },
  ];
}

function ratio(a: Cell, b: Cell): string {
  if (a.value === undefined || b.value === undefined || b.value === 0 || !Number.isFinite(a.value) || !Number.isFinite(b.value)) return '—';
  return (a.value / b.value).toFixed(2);
}

/** Why a column has no figures, an invalid step, or a failed storm: the notes below the table. */
function notes(figures: Figures, skipped: Partial<Record<ColumnName, string>>): string[] {
  return (Object.keys(COLUMN_TITLES) as ColumnName[]).flatMap((name) => {
    const title = COLUMN_TITLES[name];
    if (skipped[name]) return [`${title}: skipped: ${skipped[name]}`];
    const f = figures[name];
    const load = ok(f?.load);
    const steps = [...(load?.steps ?? []), ...(load?.ramp ?? []), ...(load?.overload ? [load.overload] : [])];
    return [
      ...steps.flatMap((s) => (s.invalid ? [`${title} at ${s.offeredPerSecond}/s invalid: ${s.invalid}`] : [])),
      ...(ok(f?.storm)?.firstError ? [`${title} storm, first failure: ${ok(f?.storm)?.firstError}`] : []),
      ...[f?.load, f?.storm].flatMap((o) => (o && 'notWired' in o ? [`${title}: no figures — ${o.notWired}`] : [])),
    ];
  });
}

export function formatLatencyTable(
  figures: Figures,
  skipped: Partial<Record<ColumnName, string>>,
  o: { rates: number[]; agents: number; storm: number; overloadLabel: string },
): { text: string; markdown: string } {
  const names = Object.keys(COLUMN_TITLES) as ColumnName[];
  const shown = names.filter((n) => figures[n] || skipped[n]);
  const ratios = RATIOS.filter(([, a, b]) => shown.includes(a) && shown.includes(b));
  const table = rows(o).map((row) => {
    const cells = Object.fromEntries(shown.map((n) => [n, skipped[n] ? { text: 'skipped' } : row.cell(figures[n])])) as Record<ColumnName, Cell>;
    return [row.label, ...shown.map((n) => cells[n].text), ...ratios.map(([, a, b]) => (row.ratio ? ratio(cells[a], cells[b]) : '—'))];
  });
  const head = ['measure', ...shown.map((n) => COLUMN_TITLES[n]), ...ratios.map(([label]) => label)];
  return renderTable(head, table, notes(figures, skipped));
}
