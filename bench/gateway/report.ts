/** Formats the benchmark's figures: one table, servers side by side, the gateway's ratio to each of the others. */
import type { DeliveryResult, MemoryResult, Outcome } from './scenarios';

export interface ServerFigures {
  memory: Outcome<MemoryResult>;
  delivery: Outcome<DeliveryResult>;
}

interface Row {
  label: string;
  pick: (f: { memory?: MemoryResult; delivery?: DeliveryResult }) => number | undefined;
  digits: number;
  /** A second figure shown after a slash in the same cell; not used for the ratio. */
  extra?: (f: { memory?: MemoryResult; delivery?: DeliveryResult }) => number | undefined;
}

const MB = 1024 * 1024;

function rows(checkpoints: number[], agents: number, configBytes: number, deliveries: number, rates: number[]): Row[] {
  return [
    { label: 'idle RSS (MB)', pick: (f) => f.memory && f.memory.idleRss / MB, digits: 1 },
    ...checkpoints.flatMap((n, i): Row[] => [
      { label: `RSS at ${n} agents (MB)`, pick: (f) => f.memory?.points[i] && f.memory.points[i]!.rss / MB, digits: 1 },
      { label: `RSS per agent at ${n} (KB)`, pick: (f) => f.memory?.points[i] && f.memory.points[i]!.perAgentBytes / 1024, digits: 2 },
      {
        label: '  of which fleet events kept in memory (KB, payload)',
        pick: (f) => f.memory?.points[i]?.retainedPerAgentBytes && f.memory.points[i]!.retainedPerAgentBytes! / 1024,
        digits: 2,
      },
    ]),
    {
      label: `${configBytes / 1024} KB config to ${agents} agents, all acks (ms, median of ${deliveries})`,
      pick: (f) => f.delivery?.deliverMs,
      digits: 0,
    },
    { label: '  of which fan-out written to sockets (ms)', pick: (f) => f.delivery?.fanOutMs, digits: 0 },
    { label: '  fleet process busy answering: first to last APPLIED (ms)', pick: (f) => f.delivery?.fleetApplySpanMs, digits: 0 },
    { label: '  server CPU during it (ms, all threads)', pick: (f) => f.delivery?.serverCpuMs, digits: 0 },
    { label: '  server main thread waiting for a CPU (ms)', pick: (f) => f.delivery?.serverWaitMs, digits: 0 },
    { label: `  event loop max block during it (ms, worst of ${deliveries})`, pick: (f) => f.delivery?.deliverMaxBlockMs, digits: 1 },
    { label: 'status reports/s at p99 < 50 ms (best step)', pick: (f) => f.delivery && bestUnder50(f.delivery), digits: 0 },
    ...rates.flatMap((rate, i): Row[] => [
      { label: `status offered ${rate}/s: processed/s`, pick: (f) => f.delivery?.status[i]?.processedPerSecond, digits: 0 },
      { label: '  sent by the fleet process /s', pick: (f) => f.delivery?.status[i]?.sentPerSecond, digits: 0 },
      { label: '  event loop delay p99 / max (ms)', pick: (f) => f.delivery?.status[i]?.p99Ms, digits: 1, extra: (f) => f.delivery?.status[i]?.maxMs },
      { label: '  server CPU (% of one core)', pick: (f) => f.delivery?.status[i]?.serverCpuPercent, digits: 0 },
    ]),
  ];
}

function bestUnder50(d: DeliveryResult): number | undefined {
  const ok = d.status.filter((s) => s.p99Ms < 50).map((s) => s.processedPerSecond);
  return ok.length ? Math.max(...ok) : undefined;
}

const ok = <T>(o: Outcome<T>): T | undefined => ('ok' in o ? o.ok : undefined);

function cell(v: number | undefined, digits: number, extra?: number): string {
  if (v === undefined || !Number.isFinite(v)) return '—';
  return extra === undefined ? v.toFixed(digits) : `${v.toFixed(digits)} / ${extra.toFixed(digits)}`;
}

/** The servers' columns, in the order printed; the gateway is compared with each of the others. */
export interface ServerColumns {
  baseline: ServerFigures;
  gateway: ServerFigures;
  'opamp-go': ServerFigures;
}

const HEADS: Record<keyof ServerColumns, string> = { baseline: 'bare ws (baseline)', gateway: 'Roost gateway', 'opamp-go': 'opamp-go peer' };

/** A figure a server has not (a Go server's event loop) is undefined or NaN: no ratio. */
function ratio(of: number | undefined, to: number | undefined): string {
  return of !== undefined && to !== undefined && Number.isFinite(of / to) ? (of / to).toFixed(2) : '—';
}

/** Plain-text table for the terminal and a Markdown table for docs/benchmarks.md. */
export function formatTables(
  servers: ServerColumns,
  opts: { checkpoints: number[]; agents: number; configBytes: number; deliveries: number; rates: number[] },
): { text: string; markdown: string } {
  const kinds = Object.keys(HEADS) as (keyof ServerColumns)[];
  const figures = kinds.map((k) => ({ memory: ok(servers[k].memory), delivery: ok(servers[k].delivery) }));
  const [b, g, peer] = figures as [(typeof figures)[number], (typeof figures)[number], (typeof figures)[number]];
  const table = rows(opts.checkpoints, opts.agents, opts.configBytes, opts.deliveries, opts.rates).map((r) => [
    r.label,
    ...figures.map((f) => cell(r.pick(f), r.digits, r.extra?.(f))),
    ratio(r.pick(g), r.pick(b)),
    ratio(r.pick(g), r.pick(peer)),
  ]);
  const notes = kinds.flatMap((k) =>
    [servers[k].memory, servers[k].delivery].flatMap((o) => ('notWired' in o ? [`${k}: no figures — ${o.notWired}`] : [])),
  );
  return renderTable(['measure', ...kinds.map((k) => HEADS[k]), 'gateway/baseline', 'gateway/opamp-go'], table, notes);
}

/** A table as aligned plain text and as Markdown, with notes (deduplicated) below it. */
export function renderTable(head: string[], table: string[][], notes: string[]): { text: string; markdown: string } {
  const widths = head.map((h, i) => Math.max(h.length, ...table.map((row) => row[i]!.length)));
  const line = (cols: string[]) => cols.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  const unique = [...new Set(notes)];
  const text = [line(head), widths.map((w) => '-'.repeat(w)).join('  '), ...table.map(line), ...unique].join('\n');
  const markdown = [
    `| ${head.join(' | ')} |`,
    `|${head.map((_, i) => (i === 0 ? ' --- ' : ' ---: ')).join('|')}|`,
    ...table.map((row) => `| ${row.join(' | ')} |`),
    ...unique.map((n) => `\n${n}`),
  ].join('\n');
  return { text, markdown };
}
