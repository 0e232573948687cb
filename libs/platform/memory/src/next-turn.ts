/**
 * Runs `fn` on a later turn of the event loop. In-memory adapters deliver through this so a
 * handler never runs inside the call that caused it (as with a real broker), and deliveries
 * scheduled in order run in order.
 */
export function nextTurn(fn: () => void): void {
  setImmediate(fn);
}

export function nextTurnPromise(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
