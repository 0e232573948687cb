import { useState } from 'preact/hooks';
import { api, ApiError } from '../api-client';
import type { ConfigDiff, ConfigHistory, ConfigPage, ConfigVersion } from '../api-types';
import { shortHash, time } from '../format';
import { configIssueLines, problemWords } from '../problem-words';
import { hrefs } from '../route';
import { may, useLoad, useSession } from '../session';
import { DiffBlock, YamlBlock } from './code-blocks';

/** Sends a new version (or a new config); answers the version created, or the lines to show under the form. */
export type SaveVersion = (name: string, yaml: string) => Promise<{ ok: true; name: string; version: number } | { ok: false; lines: string[] }>;

async function saveVersion(name: string, yaml: string): ReturnType<SaveVersion> {
  try {
    const created = await api.post<{ name: string; version: number }>('/configs', { name, yaml });
    return { ok: true, name: created.name, version: created.version };
  } catch (error) {
    const lines = error instanceof ApiError ? configIssueLines(error.problem) : [];
    return { ok: false, lines: lines.length > 0 ? lines : [error instanceof ApiError ? problemWords(error.problem) : String(error)] };
  }
}

/** Config names with their latest version, and (for operators) a new config. */
export function ConfigsView() {
  const { caller, go } = useSession();
  const configs = useLoad((signal) => api.get<ConfigPage>('/configs?limit=1000', signal));
  return (
    <>
      <h1>Configs</h1>
      {configs === null ? <p aria-busy="true">Loading…</p> : <ConfigList configs={configs} />}
      {may(caller, 'write') ? (
        <section>
          <h2>New config</h2>
          <VersionForm name={null} yaml="" save={saveVersion} onSaved={(name, version) => go(hrefs.config(name, { version }))} />
        </section>
      ) : null}
    </>
  );
}

export function ConfigList({ configs }: { configs: ConfigPage }) {
  if (configs.items.length === 0) return <p class="muted">No config stored yet.</p>;
  return (
    <table data-testid="configs">
      <thead>
        <tr>
          <th>name</th>
          <th>versions</th>
          <th>latest</th>
          <th>updated</th>
        </tr>
      </thead>
      <tbody>
        {configs.items.map((config) => (
          <tr key={config.name}>
            <td>
              <a href={hrefs.config(config.name)}>{config.name}</a>
            </td>
            <td>{config.versions}</td>
            <td>{`@${config.latestVersion} ${shortHash(config.latestHash)}`}</td>
            <td>{time(config.updatedAt)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export interface ConfigData {
  readonly history: ConfigHistory;
  readonly shown: number;
  readonly from: number;
  readonly to: number;
  readonly version: ConfigVersion;
  /** Null when from and to are the same version. */
  readonly diff: ConfigDiff | null;
}

/** One config name's page with what it reads: its versions, the one shown and the diff asked for (`?version=&from=&to=`). */
export function ConfigView({ name, query }: { name: string; query: URLSearchParams }) {
  const { caller, go } = useSession();
  const data = useLoad(async (signal): Promise<ConfigData> => {
    const history = await api.get<ConfigHistory>(`/configs/${encodeURIComponent(name)}/versions`, signal);
    const latest = history.versions[history.versions.length - 1]?.version ?? 1;
    const shown = Number(query.get('version') ?? latest);
    const from = Number(query.get('from') ?? Math.max(1, latest - 1));
    const to = Number(query.get('to') ?? latest);
    const ref = (version: number) => encodeURIComponent(`${name}@${version}`);
    const [version, diff] = await Promise.all([api.get<ConfigVersion>(`/configs/${ref(shown)}`, signal), from === to ? null : api.get<ConfigDiff>(`/configs/${ref(from)}/diff/${ref(to)}`, signal)]);
    return { history, shown, from, to, version, diff };
  });
  if (data === null) {
    return (
      <>
        <h1>
          Config <code>{name}</code>
        </h1>
        <p aria-busy="true">Loading…</p>
      </>
    );
  }
  return (
    <ConfigPageView
      name={name}
      data={data}
      canWrite={may(caller, 'write')}
      onPick={(picked) => go(hrefs.config(name, picked))}
      save={saveVersion}
      onSaved={(saved, version) => go(hrefs.config(saved, { version }))}
    />
  );
}

export interface ConfigPageProps {
  readonly name: string;
  readonly data: ConfigData;
  readonly canWrite: boolean;
  onPick(picked: { version: number; from: number; to: number }): void;
  readonly save: SaveVersion;
  onSaved(name: string, version: number): void;
}

/** One config name: its versions, the YAML of one, a diff between any two, and a new version. */
export function ConfigPageView({ name, data, canWrite, onPick, save, onSaved }: ConfigPageProps) {
  const { history, shown, from, to, version, diff } = data;
  const [picked, setPicked] = useState({ version: shown, from, to });
  const pick = (label: string, field: keyof typeof picked) => (
    <label>
      {label}{' '}
      <select name={field} value={String(picked[field])} onChange={(event) => setPicked({ ...picked, [field]: Number(event.currentTarget.value) })}>
        {history.versions.map((v) => (
          <option key={v.version} value={String(v.version)}>
            @{v.version}
          </option>
        ))}
      </select>
    </label>
  );
  return (
    <>
      <h1>
        Config <code>{name}</code>
      </h1>
      <table data-testid="versions">
        <thead>
          <tr>
            <th>version</th>
            <th>hash</th>
            <th>created</th>
            <th>by</th>
          </tr>
        </thead>
        <tbody>
          {history.versions.map((v) => (
            <tr key={v.version}>
              <td>
                <a href={hrefs.config(name, { version: v.version })}>@{v.version}</a>
              </td>
              <td>
                <code>{shortHash(v.hash)}</code>
              </td>
              <td>{time(v.createdAt)}</td>
              <td>{v.actor ?? '—'}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <form
        class="filters"
        onSubmit={(event) => {
          event.preventDefault();
          onPick(picked);
        }}
      >
        {pick('Show', 'version')}
        {pick('Diff from', 'from')}
        {pick('to', 'to')}
        <button type="submit">Show</button>
      </form>
      <h2>{`${name}@${shown}`}</h2>
      <YamlBlock yaml={version.yaml} testId="config-yaml" />
      <h2>{`Diff @${from} → @${to}`}</h2>
      {diff === null ? (
        <p class="muted">Pick two different versions.</p>
      ) : (
        <>
          <p class="muted" data-testid="diff-summary">{`${diff.added} added, ${diff.removed} removed; components changed: ${diff.components.changed.join(', ') || 'none'}`}</p>
          <DiffBlock unified={diff.unified} testId="config-diff" />
        </>
      )}
      {canWrite ? (
        <section>
          <h2>New version</h2>
          <VersionForm name={name} yaml={version.yaml} save={save} onSaved={onSaved} />
        </section>
      ) : null}
    </>
  );
}

/** A new version of `name` (or, with name null, a new config), refused with each error's line and column. */
export function VersionForm({ name, yaml, save, onSaved }: { name: string | null; yaml: string; save: SaveVersion; onSaved: (name: string, version: number) => void }) {
  const [newName, setNewName] = useState('');
  const [text, setText] = useState(yaml);
  const [issues, setIssues] = useState<string[]>([]);
  const [saving, setSaving] = useState(false);
  return (
    <form
      class="start"
      onSubmit={(event) => {
        event.preventDefault();
        setSaving(true);
        void save(name ?? newName.trim(), text).then((answer) => {
          setSaving(false);
          if (answer.ok) onSaved(answer.name, answer.version);
          else setIssues(answer.lines);
        });
      }}
    >
      {name === null ? (
        <label>
          Name <input name="name" required placeholder="otel-edge" value={newName} onInput={(event) => setNewName(event.currentTarget.value)} />
        </label>
      ) : null}
      <textarea name="yaml" aria-label="collector config (YAML)" rows={16} spellcheck={false} data-testid="config-editor" value={text} aria-invalid={issues.length > 0 ? true : undefined} onInput={(event) => setText(event.currentTarget.value)} />
      <ul class="error" data-testid="config-issues">
        {issues.map((line, index) => (
          <li key={index}>{line}</li>
        ))}
      </ul>
      <button type="submit" data-testid="save-config" aria-busy={saving} disabled={saving}>
        Save as a new version
      </button>
    </form>
  );
}
