import { useEffect, useMemo, useState } from 'preact/hooks';
import { api, ApiError, tokenStore } from './api-client';
import type { Caller } from './api-types';
import { problemWords } from './problem-words';
import { parseRoute, type Route, type Section } from './route';
import { SessionContext, type Session } from './session';
import { AgentView } from './views/agent-view';
import { ConfigsView, ConfigView } from './views/configs-view';
import { FleetView } from './views/fleet-view';
import { RolloutsView } from './views/rollouts-view';
import { RolloutView } from './views/rollout-view';

/** The location hash, renewed on every change. */
function useHash(): string {
  const [hash, setHash] = useState(location.hash);
  useEffect(() => {
    const onChange = () => setHash(location.hash);
    window.addEventListener('hashchange', onChange);
    return () => window.removeEventListener('hashchange', onChange);
  }, []);
  return hash;
}

/** What to tell the person about a failure; nothing for a read the person walked away from. */
export function problemText(error: unknown): string | null {
  if (error === null || error === undefined) return null;
  if (error instanceof DOMException && error.name === 'AbortError') return null;
  return error instanceof ApiError ? problemWords(error.problem) : String(error);
}

/**
 * The console: the caller (who the token says is looking, `GET /caller`), the token entered once
 * (session storage), failures in plain words above the page, and the page the hash names. Each
 * page is drawn anew when the hash or the token changes.
 */
export function App() {
  const hash = useHash();
  const route = useMemo(() => parseRoute(hash), [hash]);
  const [signIns, setSignIns] = useState(0);
  /** Undefined while asked; null when the API refused (the problem says why). */
  const [caller, setCaller] = useState<Caller | null | undefined>(undefined);
  const [problem, setProblem] = useState<string | null>(null);

  useEffect(() => {
    let current = true;
    setCaller(undefined);
    api.get<Caller>('/caller').then(
      (answer) => current && setCaller(answer),
      (error: unknown) => {
        if (!current) return;
        setCaller(null);
        setProblem(problemText(error));
      },
    );
    return () => {
      current = false;
    };
  }, [signIns]);
  // A new page starts without the last one's failure (its own reads say theirs again).
  useEffect(() => setProblem(null), [hash]);

  const session: Session = useMemo(() => ({ caller: caller ?? null, problem: (error) => setProblem(problemText(error)), go: (next) => (location.hash = next) }), [caller]);
  return (
    <SessionContext.Provider value={session}>
      <header class="top">
        <nav class="container-fluid">
          <ul>
            <li>
              <a class="brand" href="#/fleet">
                Roost
              </a>
            </li>
            <NavLink section="fleet" route={route} label="Fleet" />
            <NavLink section="rollouts" route={route} label="Rollouts" />
            <NavLink section="configs" route={route} label="Configs" />
          </ul>
          <ul>
            <li class="caller" data-testid="caller">
              {caller === undefined ? '…' : caller === null ? 'not signed in' : `${caller.name} (${caller.role})`}
            </li>
            <li>
              <TokenForm
                onToken={(token) => {
                  tokenStore.set(token);
                  setProblem(null);
                  setSignIns((count) => count + 1);
                }}
              />
            </li>
          </ul>
        </nav>
      </header>
      <div class="problem" role="alert" data-testid="problem">
        {problem}
      </div>
      <main class="container-fluid" id="page">
        {caller === undefined ? <p aria-busy="true">Loading…</p> : <Page key={`${hash} ${signIns}`} route={route} />}
      </main>
    </SessionContext.Provider>
  );
}

function NavLink({ section, route, label }: { section: Section; route: Route; label: string }) {
  const active = route.section === section;
  return (
    <li>
      <a href={`#/${section}`} class={active ? 'active' : undefined} aria-current={active ? 'page' : undefined}>
        {label}
      </a>
    </li>
  );
}

function Page({ route }: { route: Route }) {
  const [first] = route.parts;
  switch (route.section) {
    case 'agents':
      return <AgentView agentId={first ?? ''} />;
    case 'rollouts':
      return first === undefined ? <RolloutsView query={route.query} /> : <RolloutView rolloutId={first} />;
    case 'configs':
      return first === undefined ? <ConfigsView /> : <ConfigView name={first} query={route.query} />;
    case 'fleet':
      return <FleetView query={route.query} />;
  }
}

/** The token, entered once and kept for the tab (session storage); never put in a URL. */
export function TokenForm({ onToken }: { onToken: (token: string) => void }) {
  const [token, setToken] = useState('');
  return (
    <form
      class="token"
      onSubmit={(event) => {
        event.preventDefault();
        onToken(token.trim());
        setToken('');
      }}
    >
      <fieldset role="group">
      <input
        name="token"
        type="password"
        aria-label="API token"
        placeholder={tokenStore.get() === '' ? 'API token (none on loopback)' : 'token kept for this tab'}
        autocomplete="off"
        data-testid="token"
        value={token}
        onInput={(event) => setToken(event.currentTarget.value)}
      />
      <button type="submit" data-testid="token-save">
        Use token
      </button>
      </fieldset>
    </form>
  );
}
