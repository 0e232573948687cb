/** The shortest hash prefix accepted as a reference: shorter ones collide too easily to type safely. */
export const MIN_HASH_PREFIX = 8;

const PREFIX = new RegExp(`^[0-9a-f]{${MIN_HASH_PREFIX},63}$`);

/** What a hash prefix names among the stored versions. */
export type HashPrefixMatch =
  | { readonly kind: 'unique'; readonly hash: string }
  | { readonly kind: 'none' }
  | { readonly kind: 'ambiguous'; readonly hashes: readonly string[] };

/** True for text that may be a shortened hash (8 to 63 lowercase hex characters). */
export function isHashPrefix(ref: string): boolean {
  return PREFIX.test(ref);
}

/** The stored hashes starting with `prefix`: one is the version meant, more is ambiguous. */
export function matchHashPrefix(prefix: string, hashes: Iterable<string>): HashPrefixMatch {
  const matches: string[] = [];
  for (const hash of hashes) if (hash.startsWith(prefix)) matches.push(hash);
  if (matches.length === 0) return { kind: 'none' };
  if (matches.length === 1) return { kind: 'unique', hash: matches[0] as string };
  return { kind: 'ambiguous', hashes: matches.sort() };
}
