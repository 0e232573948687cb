import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CONSOLE_BUILD_COMMAND, notBuiltPage, readConsoleFile } from './console-assets';

describe("the console's files, read from its build folder", () => {
  let root: string;
  let dist: string;

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'roost-console-'));
    dist = join(root, 'dist');
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  const build = (): void => {
    mkdirSync(join(dist, 'assets'), { recursive: true });
    writeFileSync(join(dist, 'index.html'), '<!doctype html><script type="module" src="/console/assets/index-abc.js"></script>');
    writeFileSync(join(dist, 'assets/index-abc.js'), 'export {};');
    writeFileSync(join(dist, 'assets/index-abc.css'), 'body{}');
    writeFileSync(join(dist, '.inputs.sha256'), 'f00\n');
    writeFileSync(join(dist, 'notes.md'), 'not served');
  };

  it('says the console is not built while the folder has no page, and the page names the command', async () => {
    expect(await readConsoleFile(dist, '/')).toEqual({ kind: 'not_built' });
    expect(await readConsoleFile(join(dist, 'missing'), '/console/assets/index-abc.js')).toEqual({ kind: 'not_built' });
    expect(notBuiltPage()).toContain(`<code>${CONSOLE_BUILD_COMMAND}</code>`);
  });

  it('serves the page at / and the hashed assets as cacheable for good', async () => {
    build();
    expect(await readConsoleFile(dist, '/')).toMatchObject({ kind: 'file', file: { contentType: 'text/html; charset=utf-8', immutable: false } });
    const script = await readConsoleFile(dist, '/console/assets/index-abc.js');
    expect(script).toMatchObject({ kind: 'file', file: { contentType: 'text/javascript; charset=utf-8', immutable: true } });
    expect(script.kind === 'file' && script.file.body.toString()).toBe('export {};');
    expect(await readConsoleFile(dist, '/console/assets/index-abc.css')).toMatchObject({ kind: 'file', file: { contentType: 'text/css; charset=utf-8' } });
  });

  it('reads nothing outside the build, no dot file, no file type the build does not write, and no folder', async () => {
    build();
    writeFileSync(join(root, 'secret.js'), 'no');
    for (const path of ['/console/../secret.js', '/console/..%2Fsecret.js', '/console/assets/../../secret.js', '/console/.inputs.sha256', '/console/notes.md', '/console/assets', '/console/assets/', '/console/', '/console/assets/missing.js', '/console/assets//index-abc.js', '/console/assets\\index-abc.js']) {
      expect([path, await readConsoleFile(dist, path)]).toEqual([path, { kind: 'not_found' }]);
    }
  });
});
