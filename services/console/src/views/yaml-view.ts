import { diffLines, yamlLineTokens } from '../config-text';
import { h } from '../dom';

/** YAML with keys, values and comments told apart, one line per row. */
export function yamlBlock(yaml: string, testId: string): HTMLElement {
  const lines = yaml.replace(/\n$/, '').split('\n');
  return h(
    'pre',
    { className: 'code yaml', 'data-testid': testId },
    lines.map((line) => h('span', { className: 'line' }, yamlLineTokens(line).map((token) => (token.kind === 'text' ? token.text : h('span', { className: `tok-${token.kind}` }, token.text))), '\n')),
  );
}

/** A unified diff, added and removed lines coloured. */
export function diffBlock(unified: string, testId: string): HTMLElement {
  const lines = diffLines(unified);
  if (lines.length === 0) return h('p', { className: 'muted', 'data-testid': testId }, 'No difference.');
  return h('pre', { className: 'code diff', 'data-testid': testId }, lines.map((line) => h('span', { className: `line diff-${line.kind}` }, line.text, '\n')));
}
