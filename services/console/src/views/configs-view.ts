import { api, ApiError } from '../api-client';
import type { ConfigDiff, ConfigHistory, ConfigPage, ConfigVersion } from '../api-types';
import { h, replace, shortHash, time } from '../dom';
import { may, type Page } from '../page';
import { configIssueLines, problemWords } from '../problem-words';
import { diffBlock, yamlBlock } from './yaml-view';

/** Config names with their latest version, and (for operators) a new config. */
export async function configsView(page: Page): Promise<void> {
  const configs = await api.get<ConfigPage>('/configs?limit=1000');
  replace(
    page.main,
    h('h1', {}, 'Configs'),
    configs.items.length === 0
      ? h('p', { className: 'muted' }, 'No config stored yet.')
      : h(
          'table',
          { 'data-testid': 'configs' },
          h('thead', {}, h('tr', {}, ['name', 'versions', 'latest', 'updated'].map((title) => h('th', {}, title)))),
          h('tbody', {}, configs.items.map((c) => h('tr', {}, h('td', {}, h('a', { href: `#/configs/${encodeURIComponent(c.name)}` }, c.name)), h('td', {}, c.versions), h('td', {}, `@${c.latestVersion} ${shortHash(c.latestHash)}`), h('td', {}, time(c.updatedAt))))),
        ),
    may(page, 'write') ? h('section', {}, h('h2', {}, 'New config'), versionForm(page, null, '')) : null,
  );
}

/** One config name: its versions, the YAML of one, a diff between any two, and a new version. */
export async function configView(page: Page, name: string, query: URLSearchParams): Promise<void> {
  const history = await api.get<ConfigHistory>(`/configs/${encodeURIComponent(name)}/versions`);
  const latest = history.versions[history.versions.length - 1]?.version ?? 1;
  const shown = Number(query.get('version') ?? latest);
  const from = Number(query.get('from') ?? Math.max(1, latest - 1));
  const to = Number(query.get('to') ?? latest);
  const ref = (version: number) => encodeURIComponent(`${name}@${version}`);
  const [version, diff] = await Promise.all([api.get<ConfigVersion>(`/configs/${ref(shown)}`), from === to ? Promise.resolve(null) : api.get<ConfigDiff>(`/configs/${ref(from)}/diff/${ref(to)}`)]);
  const pick = (label: string, param: string, selected: number) =>
    h('label', {}, `${label} `, h('select', { name: param }, history.versions.map((v) => h('option', { value: v.version, selected: v.version === selected }, `@${v.version}`))));
  const navigate = (event: Event) => {
    event.preventDefault();
    const data = new FormData(event.target as HTMLFormElement);
    const next = new URLSearchParams({ version: String(data.get('version') ?? shown), from: String(data.get('from') ?? from), to: String(data.get('to') ?? to) });
    page.go(`#/configs/${encodeURIComponent(name)}?${next.toString()}`);
  };
  replace(
    page.main,
    h('h1', {}, 'Config ', h('code', {}, name)),
    h(
      'table',
      { 'data-testid': 'versions' },
      h('thead', {}, h('tr', {}, ['version', 'hash', 'created', 'by'].map((title) => h('th', {}, title)))),
      h('tbody', {}, history.versions.map((v) => h('tr', {}, h('td', {}, h('a', { href: `#/configs/${encodeURIComponent(name)}?version=${v.version}` }, `@${v.version}`)), h('td', {}, h('code', {}, shortHash(v.hash))), h('td', {}, time(v.createdAt)), h('td', {}, v.actor ?? '—')))),
    ),
    h('form', { className: 'filters', onsubmit: navigate }, pick('Show', 'version', shown), pick('Diff from', 'from', from), pick('to', 'to', to), h('button', { type: 'submit' }, 'Show')),
    h('h2', {}, `${name}@${shown}`),
    yamlBlock(version.yaml, 'config-yaml'),
    h('h2', {}, `Diff @${from} → @${to}`),
    diff === null ? h('p', { className: 'muted' }, 'Pick two different versions.') : [h('p', { className: 'muted', 'data-testid': 'diff-summary' }, `${diff.added} added, ${diff.removed} removed; components changed: ${diff.components.changed.join(', ') || 'none'}`), diffBlock(diff.unified, 'config-diff')],
    may(page, 'write') ? h('section', {}, h('h2', {}, 'New version'), versionForm(page, name, version.yaml)) : null,
  );
}

function versionForm(page: Page, name: string | null, yaml: string): HTMLElement {
  const issues = h('ul', { className: 'error', 'data-testid': 'config-issues' });
  return h(
    'form',
    {
      className: 'start',
      onsubmit: (event: Event) => {
        event.preventDefault();
        const data = new FormData(event.target as HTMLFormElement);
        const target = name ?? String(data.get('name') ?? '').trim();
        void (async () => {
          try {
            const created = await api.post<{ name: string; version: number }>('/configs', { name: target, yaml: String(data.get('yaml') ?? '') });
            page.go(`#/configs/${encodeURIComponent(created.name)}?version=${created.version}`);
          } catch (error) {
            const lines = error instanceof ApiError ? configIssueLines(error.problem) : [];
            replace(issues, lines.length > 0 ? lines.map((line) => h('li', {}, line)) : h('li', {}, error instanceof ApiError ? problemWords(error.problem) : String(error)));
          }
        })();
      },
    },
    name === null ? h('label', {}, 'Name ', h('input', { name: 'name', required: true, placeholder: 'otel-edge' })) : null,
    h('textarea', { name: 'yaml', rows: 16, cols: 80, spellcheck: 'false', 'data-testid': 'config-editor' }, yaml),
    h('button', { type: 'submit', 'data-testid': 'save-config' }, 'Save as a new version'),
    issues,
  );
}
