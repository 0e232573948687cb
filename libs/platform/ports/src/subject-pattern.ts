/**
 * The subject grammar every port shares: dot-separated tokens; in patterns `*` matches exactly
 * one token and `>` (last token only) matches one or more.
 */
export function subjectMatches(pattern: string, subject: string): boolean {
  return patternCovers(pattern, subject);
}

/**
 * True when every subject `inner` can match is also matched by `outer` (`inner` may be a pattern).
 * Walks both strings token by token without splitting them: every append routes its subject
 * through here.
 */
export function patternCovers(outer: string, inner: string): boolean {
  let o = 0;
  let i = 0;
  for (;;) {
    // A position past the end means every token was used.
    if (o > outer.length) return i > inner.length;
    const outerEnd = tokenEnd(outer, o);
    if (isToken(outer, o, outerEnd, GREATER)) return i <= inner.length;
    if (i > inner.length) return false;
    const innerEnd = tokenEnd(inner, i);
    if (isToken(inner, i, innerEnd, GREATER)) return false;
    if (!isToken(outer, o, outerEnd, STAR) && !sameToken(outer, o, outerEnd, inner, i, innerEnd)) return false;
    o = outerEnd + 1;
    i = innerEnd + 1;
  }
}

const STAR = 42;
const GREATER = 62;

function tokenEnd(text: string, from: number): number {
  const dot = text.indexOf('.', from);
  return dot === -1 ? text.length : dot;
}

function isToken(text: string, start: number, end: number, code: number): boolean {
  return end - start === 1 && text.charCodeAt(start) === code;
}

function sameToken(a: string, aStart: number, aEnd: number, b: string, bStart: number, bEnd: number): boolean {
  if (aEnd - aStart !== bEnd - bStart) return false;
  for (let k = 0; k < aEnd - aStart; k++) if (a.charCodeAt(aStart + k) !== b.charCodeAt(bStart + k)) return false;
  return true;
}

/** The one declaration whose subjects cover `subjectOrFilter`, or undefined. */
export function findBySubject<T extends { readonly subjects: readonly string[] }>(
  declarations: readonly T[],
  subjectOrFilter: string,
): T | undefined {
  return declarations.find((d) => d.subjects.some((s) => patternCovers(s, subjectOrFilter)));
}
