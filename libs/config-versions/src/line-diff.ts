/** One line of a diff: kept, removed from the old text, or added in the new one. */
export interface DiffLine {
  readonly op: 'equal' | 'remove' | 'add';
  readonly text: string;
}

/** Above this many cells the middle of a diff is shown as one replacement (keeps time bounded). */
const MAX_CELLS = 4_000_000;

/**
 * A line diff by longest common subsequence, after trimming the common head and tail (config
 * edits are usually local, so the table stays small).
 */
export function diffLines(before: string, after: string): DiffLine[] {
  const a = splitLines(before);
  const b = splitLines(after);
  let head = 0;
  while (head < a.length && head < b.length && a[head] === b[head]) head += 1;
  let tail = 0;
  while (tail < a.length - head && tail < b.length - head && a[a.length - 1 - tail] === b[b.length - 1 - tail]) tail += 1;
  const middle = diffMiddle(a.slice(head, a.length - tail), b.slice(head, b.length - tail));
  const equal = (lines: string[]): DiffLine[] => lines.map((text) => ({ op: 'equal', text }));
  return [...equal(a.slice(0, head)), ...middle, ...equal(a.slice(a.length - tail))];
}

function diffMiddle(a: readonly string[], b: readonly string[]): DiffLine[] {
  const n = a.length;
  const m = b.length;
  if (n * m > MAX_CELLS || n === 0 || m === 0) {
    return [...a.map((text): DiffLine => ({ op: 'remove', text })), ...b.map((text): DiffLine => ({ op: 'add', text }))];
  }
  // lcs[i][j] = LCS length of a[i..] and b[j..], row-major in one typed array.
  const width = m + 1;
  const lcs = new Uint32Array((n + 1) * width);
  for (let i = n - 1; i >= 0; i -= 1) {
    for (let j = m - 1; j >= 0; j -= 1) {
      lcs[i * width + j] = a[i] === b[j] ? (lcs[(i + 1) * width + j + 1] ?? 0) + 1 : Math.max(lcs[(i + 1) * width + j] ?? 0, lcs[i * width + j + 1] ?? 0);
    }
  }
  const lines: DiffLine[] = [];
  let i = 0;
  let j = 0;
  while (i < n && j < m) {
    if (a[i] === b[j]) {
      lines.push({ op: 'equal', text: a[i] as string });
      i += 1;
      j += 1;
    } else if ((lcs[(i + 1) * width + j] ?? 0) >= (lcs[i * width + j + 1] ?? 0)) {
      lines.push({ op: 'remove', text: a[i] as string });
      i += 1;
    } else {
      lines.push({ op: 'add', text: b[j] as string });
      j += 1;
    }
  }
  for (; i < n; i += 1) lines.push({ op: 'remove', text: a[i] as string });
  for (; j < m; j += 1) lines.push({ op: 'add', text: b[j] as string });
  return lines;
}

function splitLines(text: string): string[] {
  if (text === '') return [];
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/** Unified diff text (`--- from`, `+++ to`, `@@` hunks with `context` lines around changes); '' when equal. */
export function unifiedDiff(lines: readonly DiffLine[], fromLabel: string, toLabel: string, context = 3): string {
  const changed = lines.map((line) => line.op !== 'equal');
  if (!changed.includes(true)) return '';
  const out = [`--- ${fromLabel}`, `+++ ${toLabel}`];
  let index = 0;
  while (index < lines.length) {
    const first = changed.indexOf(true, index);
    if (first < 0) break;
    const start = Math.max(index, first - context);
    let end = first;
    // Extend the hunk while the next change is within 2 × context lines.
    for (let k = first; k < lines.length && k <= end + 2 * context; k += 1) if (changed[k]) end = k;
    const stop = Math.min(lines.length, end + context + 1);
    out.push(hunkHeader(lines, start, stop), ...lines.slice(start, stop).map(prefixed));
    index = stop;
  }
  return `${out.join('\n')}\n`;
}

function hunkHeader(lines: readonly DiffLine[], start: number, stop: number): string {
  let oldLine = 1;
  let newLine = 1;
  for (const line of lines.slice(0, start)) {
    if (line.op !== 'add') oldLine += 1;
    if (line.op !== 'remove') newLine += 1;
  }
  const hunk = lines.slice(start, stop);
  const oldCount = hunk.filter((line) => line.op !== 'add').length;
  const newCount = hunk.filter((line) => line.op !== 'remove').length;
  const range = (line: number, count: number): string => `${count === 0 ? line - 1 : line},${count}`;
  return `@@ -${range(oldLine, oldCount)} +${range(newLine, newCount)} @@`;
}

function prefixed(line: DiffLine): string {
  return `${line.op === 'equal' ? ' ' : line.op === 'remove' ? '-' : '+'}${line.text}`;
}
