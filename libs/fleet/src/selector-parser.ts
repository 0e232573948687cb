import type { Selector, SelectorRequirement } from './selector';
import { selectorError, type SelectorError } from './selector-error';
import { tokenize, type Token } from './selector-tokens';

export type ParseSelectorResult = { readonly ok: true; readonly selector: Selector } | { readonly ok: false; readonly error: SelectorError };

/**
 * Parses a selector such as `service.environment=prod,cloud.region in (eu,us),!canary`.
 *
 * Grammar (commas separate requirements, all of which must hold):
 *   selector    := requirement ("," requirement)*
 *   requirement := "!" key | key | key ("=" | "==" | "!=") value | key ("in" | "notin") "(" value ("," value)* ")"
 *   value       := word | JSON-quoted string
 */
export function parseSelector(text: string): ParseSelectorResult {
  const tokenized = tokenize(text);
  if (!tokenized.ok) return tokenized;
  if (tokenized.tokens.length === 0) {
    return { ok: false, error: selectorError('selector.empty', 'selector is empty; name at least one requirement', null) };
  }
  const cursor = new Cursor(tokenized.tokens);
  const requirements: SelectorRequirement[] = [];
  try {
    for (;;) {
      requirements.push(parseRequirement(cursor));
      if (cursor.atEnd()) break;
      cursor.expect(',', "',' or the end of the selector");
    }
  } catch (error) {
    if (error instanceof ParseFailure) return { ok: false, error: error.error };
    throw error;
  }
  return { ok: true, selector: { requirements } };
}

function parseRequirement(cursor: Cursor): SelectorRequirement {
  if (cursor.take('!')) {
    return { op: 'not_exists', key: cursor.expect('word', 'an attribute key after !').text };
  }
  const key = cursor.expect('word', "an attribute key or '!'").text;
  const next = cursor.peek();
  if (next === undefined || next.kind === ',') return { op: 'exists', key };
  if (cursor.take('=')) return { op: 'equals', key, value: parseValue(cursor) };
  if (cursor.take('!=')) return { op: 'not_equals', key, value: parseValue(cursor) };
  if (next.kind === 'word' && (next.text === 'in' || next.text === 'notin')) {
    cursor.advance();
    const values = parseValueSet(cursor, key);
    return next.text === 'in' ? { op: 'in', key, values } : { op: 'not_in', key, values };
  }
  throw cursor.unexpected(next, "'=', '!=', 'in', 'notin', ',' or the end of the selector");
}

function parseValue(cursor: Cursor): string {
  const token = cursor.peek();
  if (token !== undefined && (token.kind === 'word' || token.kind === 'string')) {
    cursor.advance();
    return token.text;
  }
  throw token === undefined ? cursor.unexpectedEnd('a value') : cursor.unexpected(token, 'a value');
}

function parseValueSet(cursor: Cursor, key: string): string[] {
  const open = cursor.expect('(', "'(' opening the set of values");
  if (cursor.peek()?.kind === ')') {
    throw new ParseFailure(selectorError('selector.empty_set', `the set of values for ${key} is empty`, open.position));
  }
  const values = [parseValue(cursor)];
  while (cursor.take(',')) values.push(parseValue(cursor));
  cursor.expect(')', "',' or ')' closing the set of values");
  return values;
}

class ParseFailure {
  constructor(readonly error: SelectorError) {}
}

class Cursor {
  private index = 0;

  constructor(private readonly tokens: readonly Token[]) {}

  atEnd(): boolean {
    return this.index >= this.tokens.length;
  }

  peek(): Token | undefined {
    return this.tokens[this.index];
  }

  advance(): void {
    this.index += 1;
  }

  take(kind: Token['kind']): boolean {
    if (this.peek()?.kind !== kind) return false;
    this.advance();
    return true;
  }

  expect(kind: Token['kind'], expected: string): Token {
    const token = this.peek();
    if (token === undefined) throw this.unexpectedEnd(expected);
    if (token.kind !== kind) throw this.unexpected(token, expected);
    this.advance();
    return token;
  }

  unexpected(token: Token, expected: string): ParseFailure {
    const found = token.kind === 'string' ? JSON.stringify(token.text) : `'${token.text}'`;
    return new ParseFailure(selectorError('selector.unexpected_token', `expected ${expected}, found ${found}`, token.position));
  }

  unexpectedEnd(expected: string): ParseFailure {
    return new ParseFailure(selectorError('selector.unexpected_end', `expected ${expected}, found the end of the selector`, null));
  }
}
