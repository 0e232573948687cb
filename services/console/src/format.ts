/** How the console writes hashes and times. */

export function shortHash(hash: string | null | undefined): string {
  return hash === null || hash === undefined || hash === '' ? '—' : hash === 'none' ? 'none' : hash.slice(0, 12);
}

export function time(ms: number | null | undefined): string {
  return ms === null || ms === undefined || ms === 0 ? '—' : new Date(ms).toLocaleTimeString();
}
