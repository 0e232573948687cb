import { selectorError, type SelectorError } from './selector-error';

export type TokenKind = 'word' | 'string' | '!' | '=' | '!=' | '(' | ')' | ',';

export interface Token {
  readonly kind: TokenKind;
  /** The word, or the decoded string; the operator text otherwise. */
  readonly text: string;
  readonly position: number;
}

/** Characters of an unquoted key or value. */
export const WORD_CHAR = /[A-Za-z0-9._\-/:@+~%*]/;

export type TokenizeResult = { readonly ok: true; readonly tokens: Token[] } | { readonly ok: false; readonly error: SelectorError };

export function tokenize(text: string): TokenizeResult {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text.charAt(i);
    if (/\s/.test(c)) {
      i += 1;
    } else if (c === '"') {
      const end = closingQuote(text, i);
      if (end < 0) return { ok: false, error: selectorError('selector.invalid_string', 'quoted value has no closing quote', i) };
      const decoded = decodeString(text.slice(i, end + 1));
      if (decoded === null) return { ok: false, error: selectorError('selector.invalid_string', 'quoted value has an invalid escape', i) };
      tokens.push({ kind: 'string', text: decoded, position: i });
      i = end + 1;
    } else if (c === '!' && text.charAt(i + 1) === '=') {
      tokens.push({ kind: '!=', text: '!=', position: i });
      i += 2;
    } else if (c === '=') {
      // `==` is accepted as a synonym of `=`.
      const width = text.charAt(i + 1) === '=' ? 2 : 1;
      tokens.push({ kind: '=', text: text.slice(i, i + width), position: i });
      i += width;
    } else if (c === '!' || c === '(' || c === ')' || c === ',') {
      tokens.push({ kind: c, text: c, position: i });
      i += 1;
    } else if (WORD_CHAR.test(c)) {
      const start = i;
      while (i < text.length && WORD_CHAR.test(text.charAt(i))) i += 1;
      tokens.push({ kind: 'word', text: text.slice(start, i), position: start });
    } else {
      return { ok: false, error: selectorError('selector.invalid_character', `unexpected character ${JSON.stringify(c)}`, i) };
    }
  }
  return { ok: true, tokens };
}

function closingQuote(text: string, open: number): number {
  for (let i = open + 1; i < text.length; i += 1) {
    const c = text.charAt(i);
    if (c === '\\') i += 1;
    else if (c === '"') return i;
  }
  return -1;
}

/** Quoted values use JSON string syntax, so formatting with JSON.stringify round-trips. */
function decodeString(quoted: string): string | null {
  try {
    const value: unknown = JSON.parse(quoted);
    return typeof value === 'string' ? value : null;
  } catch {
    return null;
  }
}
