import { readFileSync } from 'node:fs';

/** Node's own listen backlog, used where the kernel's limit cannot be read. */
export const DEFAULT_LISTEN_BACKLOG = 511;

/**
 * The listen backlog from the text of /proc/sys/net/core/somaxconn (the kernel caps any
 * backlog at it): a connect storm beyond Node's default 511 overflows the accept queue, and
 * each dropped connection waits a second or more for its SYN to be retried. Anything that is
 * not a positive integer falls back to 511.
 */
export function listenBacklogFrom(somaxconn: string | null): number {
  const text = somaxconn?.trim() ?? '';
  if (!/^\d+$/.test(text)) return DEFAULT_LISTEN_BACKLOG;
  const value = Number(text);
  return value > 0 ? value : DEFAULT_LISTEN_BACKLOG;
}

/** The machine's listen backlog limit, read once at start (511 where it cannot be read). */
export function listenBacklog(): number {
  try {
    return listenBacklogFrom(readFileSync('/proc/sys/net/core/somaxconn', 'utf8'));
  } catch {
    return DEFAULT_LISTEN_BACKLOG; // not Linux, or /proc not mounted
  }
}
