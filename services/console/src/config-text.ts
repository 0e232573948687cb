/** How the console shows YAML and diffs: classes per line (no DOM), so the page stays readable without a library. */

export type DiffLineKind = 'add' | 'remove' | 'hunk' | 'header' | 'context';

/** Each line of a unified diff with what it is. */
export function diffLines(unified: string): { kind: DiffLineKind; text: string }[] {
  if (unified === '') return [];
  return unified.replace(/\n$/, '').split('\n').map((text) => ({ kind: diffKind(text), text }));
}

function diffKind(line: string): DiffLineKind {
  if (line.startsWith('+++') || line.startsWith('---')) return 'header';
  if (line.startsWith('@@')) return 'hunk';
  if (line.startsWith('+')) return 'add';
  if (line.startsWith('-')) return 'remove';
  return 'context';
}

export interface YamlToken {
  readonly kind: 'key' | 'value' | 'comment' | 'punct' | 'text';
  readonly text: string;
}

/**
 * One YAML line cut into tokens for highlighting: indentation and list dashes, a key and its
 * colon, the value, a trailing comment. Joined back, the tokens are the line.
 */
export function yamlLineTokens(line: string): YamlToken[] {
  const comment = /^(\s*)(#.*)$/.exec(line);
  if (comment !== null) return compact([{ kind: 'text', text: comment[1] ?? '' }, { kind: 'comment', text: comment[2] ?? '' }]);
  const match = /^(\s*(?:- )*)([^\s#:][^:#]*?)(:)(\s|$)(.*)$/.exec(line);
  if (match === null) return compact([{ kind: 'text', text: /^(\s*(?:- )*)/.exec(line)?.[1] ?? '' }, ...valueTokens(line.slice(/^(\s*(?:- )*)/.exec(line)?.[1]?.length ?? 0))]);
  return compact([
    { kind: 'text', text: match[1] ?? '' },
    { kind: 'key', text: match[2] ?? '' },
    { kind: 'punct', text: match[3] ?? '' },
    { kind: 'text', text: match[4] ?? '' },
    ...valueTokens(match[5] ?? ''),
  ]);
}

function valueTokens(rest: string): YamlToken[] {
  const hash = rest.search(/\s#/);
  if (hash === -1) return [{ kind: 'value', text: rest }];
  return [{ kind: 'value', text: rest.slice(0, hash) }, { kind: 'comment', text: rest.slice(hash) }];
}

function compact(tokens: YamlToken[]): YamlToken[] {
  return tokens.filter((token) => token.text !== '');
}
