import { createContext } from 'preact';
import { useContext, useEffect, useState } from 'preact/hooks';
import type { Caller, Permission } from './api-types';

/** What every view gets from the console around it: who is looking, where to say a failure, how to go elsewhere. */
export interface Session {
  readonly caller: Caller | null;
  /** Shows a failure above the page (an ApiError in plain words); null clears it. */
  problem(error: unknown): void;
  /** Goes to another page (`#/rollouts/<id>`). */
  go(hash: string): void;
}

export const SessionContext = createContext<Session>({ caller: null, problem: () => undefined, go: () => undefined });

export function useSession(): Session {
  return useContext(SessionContext);
}

export function may(caller: Caller | null, permission: Permission): boolean {
  return caller?.permissions.includes(permission) ?? false;
}

/**
 * Reads what a page shows once, when it is first drawn; a read still in flight when the person
 * leaves is aborted and neither draws nor reports. Null until it answers (or when it failed: the
 * failure is shown through the session).
 */
export function useLoad<T>(load: (signal: AbortSignal) => Promise<T>): T | null {
  const { problem } = useSession();
  const [data, setData] = useState<T | null>(null);
  useEffect(() => {
    const controller = new AbortController();
    load(controller.signal).then(
      (value) => {
        if (!controller.signal.aborted) setData(() => value);
      },
      (error: unknown) => {
        if (!controller.signal.aborted) problem(error);
      },
    );
    return () => controller.abort();
    // Pages are drawn anew for each route (the console keys them by it): one read per page.
  }, []);
  return data;
}

/** The time now, renewed every `everyMs` while the component is shown (countdowns). */
export function useNow(everyMs: number): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), everyMs);
    return () => clearInterval(timer);
  }, [everyMs]);
  return now;
}
