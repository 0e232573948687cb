/**
 * The subject grammar every port shares: dot-separated tokens; in patterns `*` matches exactly
 * one token and `>` (last token only) matches one or more.
 */
export function subjectMatches(pattern: string, subject: string): boolean {
  return patternCovers(pattern, subject);
}

/** True when every subject `inner` can match is also matched by `outer` (`inner` may be a pattern). */
export function patternCovers(outer: string, inner: string): boolean {
  const o = outer.split('.');
  const i = inner.split('.');
  for (let n = 0; n < o.length; n++) {
    const token = o[n];
    if (token === '>') return n < i.length;
    if (n >= i.length) return false;
    if (i[n] === '>') return false;
    if (token !== '*' && token !== i[n]) return false;
  }
  return o.length === i.length;
}

/** The one declaration whose subjects cover `subjectOrFilter`, or undefined. */
export function findBySubject<T extends { readonly subjects: readonly string[] }>(
  declarations: readonly T[],
  subjectOrFilter: string,
): T | undefined {
  return declarations.find((d) => d.subjects.some((s) => patternCovers(s, subjectOrFilter)));
}
