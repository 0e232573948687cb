import { api, ApiError, tokenStore } from './api-client';
import type { Caller } from './api-types';
import { h, replace } from './dom';
import type { Page } from './page';
import { problemWords } from './problem-words';
import { agentView } from './views/agent-view';
import { configsView, configView } from './views/configs-view';
import { fleetView } from './views/fleet-view';
import { rolloutsView } from './views/rollouts-view';
import { rolloutView } from './views/rollout-view';

/** The console: a hash router over the views, the token entered once (session storage), the caller's role. */
const main = h('main', { id: 'page' });
const problemBox = h('div', { className: 'problem', role: 'alert', 'data-testid': 'problem' });
const callerBox = h('span', { className: 'caller', 'data-testid': 'caller' });
let caller: Caller | null = null;
let current: AbortController | null = null;

function showProblem(error: unknown): void {
  if (error === null || error === undefined) {
    replace(problemBox);
    return;
  }
  if (error instanceof DOMException && error.name === 'AbortError') return;
  replace(problemBox, error instanceof ApiError ? problemWords(error.problem) : String(error));
}

async function loadCaller(): Promise<void> {
  try {
    caller = await api.get<Caller>('/caller');
    replace(callerBox, `${caller.name} (${caller.role})`);
  } catch (error) {
    caller = null;
    replace(callerBox, 'not signed in');
    showProblem(error);
  }
}

async function route(): Promise<void> {
  current?.abort();
  const controller = new AbortController();
  current = controller;
  showProblem(null);
  const [path = '', search = ''] = location.hash.replace(/^#/, '').split('?');
  const query = new URLSearchParams(search);
  const parts = path.split('/').filter((part) => part !== '').map(decodeURIComponent);
  // Each view draws into an element of its own: one still loading when the person moved on draws into nothing shown.
  const view = h('div', { className: 'view' });
  main.replaceChildren(view);
  const page: Page = { main: view, caller, signal: controller.signal, problem: (error) => (controller.signal.aborted ? undefined : showProblem(error)), go: (hash) => (location.hash = hash) };
  for (const link of document.querySelectorAll<HTMLAnchorElement>('nav a')) link.classList.toggle('active', link.dataset.section === (parts[0] ?? 'fleet'));
  try {
    switch (parts[0] ?? 'fleet') {
      case 'agents':
        return await agentView(page, parts[1] ?? '');
      case 'rollouts':
        return parts[1] === undefined ? await rolloutsView(page, query) : await rolloutView(page, parts[1]);
      case 'configs':
        return parts[1] === undefined ? await configsView(page) : await configView(page, parts[1], query);
      default:
        return await fleetView(page, query);
    }
  } catch (error) {
    if (!controller.signal.aborted) showProblem(error);
  }
}

function tokenForm(): HTMLFormElement {
  return h(
    'form',
    {
      className: 'token',
      onsubmit: (event: Event) => {
        event.preventDefault();
        const input = (event.target as HTMLFormElement).elements.namedItem('token') as HTMLInputElement;
        tokenStore.set(input.value.trim());
        input.value = '';
        void loadCaller().then(route);
      },
    },
    h('input', { name: 'token', type: 'password', placeholder: tokenStore.get() === '' ? 'API token (none on loopback)' : 'token kept for this tab', autocomplete: 'off', 'data-testid': 'token' }),
    h('button', { type: 'submit', 'data-testid': 'token-save' }, 'Use token'),
  );
}

const nav = h(
  'nav',
  {},
  h('a', { href: '#/fleet', 'data-section': 'fleet' }, 'Fleet'),
  h('a', { href: '#/rollouts', 'data-section': 'rollouts' }, 'Rollouts'),
  h('a', { href: '#/configs', 'data-section': 'configs' }, 'Configs'),
);
document.body.replaceChildren(h('header', { className: 'top' }, h('a', { className: 'brand', href: '#/fleet' }, 'Roost'), nav, callerBox, tokenForm()), problemBox, main);
window.addEventListener('hashchange', () => void route());
void loadCaller().then(route);
