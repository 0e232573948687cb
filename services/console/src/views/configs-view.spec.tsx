/**
 * @jest-environment jsdom
 */
import { act, cleanup, fireEvent, render, screen, within } from '@testing-library/preact';
import { HASH_V1, HASH_V2 } from '../testing/fixtures';
import { ConfigPageView, VersionForm, type ConfigData, type SaveVersion } from './configs-view';

afterEach(cleanup);

const YAML_V2 = 'receivers:\n  otlp: {} # grpc\nexporters:\n  debug:\n    verbosity: detailed\n';
const data: ConfigData = {
  history: {
    name: 'shop-edge',
    versions: [
      { version: 1, hash: HASH_V1, createdAt: 1_000, actor: 'otto' },
      { version: 2, hash: HASH_V2, createdAt: 2_000, actor: null },
    ],
  },
  shown: 2,
  from: 1,
  to: 2,
  version: { name: 'shop-edge', hash: HASH_V2, createdAt: 2_000, yaml: YAML_V2 },
  diff: { from: 'shop-edge@1', to: 'shop-edge@2', unified: '--- shop-edge@1\n+++ shop-edge@2\n@@ -4 +4 @@\n-    verbosity: basic\n+    verbosity: detailed\n', added: 1, removed: 1, components: { added: [], removed: [], changed: ['exporters/debug'] } },
};

describe("a config's page", () => {
  it('lists the versions, highlights the YAML shown and colours the diff of the two picked', () => {
    render(<ConfigPageView name="shop-edge" data={data} canWrite={false} onPick={() => undefined} save={async () => ({ ok: false, lines: [] })} onSaved={() => undefined} />);
    expect(within(screen.getByTestId('versions')).getAllByRole('link').map((link) => link.getAttribute('href'))).toEqual(['#/configs/shop-edge?version=1', '#/configs/shop-edge?version=2']);
    expect(screen.getByTestId('config-yaml').textContent).toBe(YAML_V2);
    expect([...screen.getByTestId('config-yaml').querySelectorAll('.tok-key')].map((token) => token.textContent)).toEqual(['receivers', 'otlp', 'exporters', 'debug', 'verbosity']);
    expect(screen.getByTestId('config-yaml').querySelector('.tok-comment')?.textContent).toBe(' # grpc');
    expect(screen.getByTestId('diff-summary').textContent).toBe('1 added, 1 removed; components changed: exporters/debug');
    expect([...screen.getByTestId('config-diff').querySelectorAll('.line')].map((line) => line.className)).toEqual(['line diff-header', 'line diff-header', 'line diff-hunk', 'line diff-remove', 'line diff-add']);
    expect(screen.queryByTestId('config-editor')).toBeNull();
  });

  it('goes to the versions picked', () => {
    const picked: unknown[] = [];
    render(<ConfigPageView name="shop-edge" data={data} canWrite onPick={(pick) => picked.push(pick)} save={async () => ({ ok: false, lines: [] })} onSaved={() => undefined} />);
    fireEvent.change(document.querySelector('select[name=version]')!, { target: { value: '1' } });
    fireEvent.change(document.querySelector('select[name=from]')!, { target: { value: '2' } });
    fireEvent.click(screen.getByRole('button', { name: 'Show' }));
    expect(picked).toEqual([{ version: 1, from: 2, to: 2 }]);
  });
});

describe('a new version', () => {
  it("starts from the version shown, lists a refusal's errors with line and column, and goes to the version saved", async () => {
    const sent: [string, string][] = [];
    const saved: [string, number][] = [];
    let answer: Awaited<ReturnType<SaveVersion>> = { ok: false, lines: ['line 2, column 9: unexpected end of flow sequence', 'service.pipelines: no pipelines'] };
    const save: SaveVersion = async (name, yaml) => {
      sent.push([name, yaml]);
      return answer;
    };
    render(<VersionForm name="shop-edge" yaml={YAML_V2} save={save} onSaved={(name, version) => saved.push([name, version])} />);
    const editor = screen.getByTestId<HTMLTextAreaElement>('config-editor');
    expect(editor.value).toBe(YAML_V2);
    fireEvent.input(editor, { target: { value: 'receivers:\n  otlp: [\n' } });
    await act(async () => void fireEvent.click(screen.getByTestId('save-config')));
    expect(within(screen.getByTestId('config-issues')).getAllByRole('listitem').map((item) => item.textContent)).toEqual(['line 2, column 9: unexpected end of flow sequence', 'service.pipelines: no pipelines']);
    expect(editor.getAttribute('aria-invalid')).toBe('true');
    answer = { ok: true, name: 'shop-edge', version: 3 };
    fireEvent.input(editor, { target: { value: YAML_V2 } });
    await act(async () => void fireEvent.click(screen.getByTestId('save-config')));
    expect(sent).toEqual([
      ['shop-edge', 'receivers:\n  otlp: [\n'],
      ['shop-edge', YAML_V2],
    ]);
    expect(saved).toEqual([['shop-edge', 3]]);
  });

  it('asks a new config for its name', async () => {
    const sent: string[] = [];
    render(<VersionForm name={null} yaml="" save={async (name) => (sent.push(name), { ok: false, lines: ['config refused'] })} onSaved={() => undefined} />);
    fireEvent.input(screen.getByRole('textbox', { name: 'Name' }), { target: { value: ' otel-new ' } });
    await act(async () => void fireEvent.submit(screen.getByTestId('save-config').closest('form')!));
    expect(sent).toEqual(['otel-new']);
    expect(screen.getByTestId('config-issues').textContent).toBe('config refused');
  });
});
