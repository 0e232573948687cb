import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node, type YAMLMap } from 'yaml';
import { issue, type Position } from './config-issue';
import type { ConfigIssue } from '@roost/contracts';

/** A parsed YAML document that can say where each of its nodes is (1-based line and column). */
export interface YamlSource {
  readonly document: Document;
  position(node: unknown): Position | null;
}

export type ParsedYaml = { readonly ok: true; readonly source: YamlSource } | { readonly ok: false; readonly errors: readonly ConfigIssue[] };

/** Parses one YAML document; syntax errors (duplicate keys included) come back with their place. */
export function parseYaml(text: string): ParsedYaml {
  const lines = new LineCounter();
  const document = parseDocument(text, { lineCounter: lines, uniqueKeys: true, prettyErrors: true });
  if (document.errors.length > 0) {
    const errors = document.errors.map((error) => {
      const at = error.linePos?.[0];
      const reason = error.message.split(' at line ')[0]?.split('\n')[0] ?? error.message;
      return issue('config.yaml_syntax', `YAML does not parse: ${reason}`, '', at ? { line: at.line, column: at.col } : null);
    });
    return { ok: false, errors };
  }
  const position = (node: unknown): Position | null => {
    const range = (node as Node | null)?.range;
    if (!range) return null;
    const at = lines.linePos(range[0]);
    return { line: at.line, column: at.col };
  };
  return { ok: true, source: { document, position } };
}

/** The entries of a YAML map with plain string keys, in source order, each with its key node. */
export function mapEntries(map: YAMLMap): { key: string; keyNode: unknown; value: unknown }[] {
  return map.items.map((pair) => ({
    key: isScalar(pair.key) ? String(pair.key.value) : String(pair.key),
    keyNode: pair.key,
    value: pair.value,
  }));
}

/** True for an absent value: a key written with nothing after it (`debug:`) or `null`. */
export function isEmptyValue(node: unknown): boolean {
  return node === null || node === undefined || (isScalar(node) && (node.value === null || node.value === ''));
}

export { isMap, isScalar, isSeq };
