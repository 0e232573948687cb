import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { build } from 'esbuild';

/** Where the web console's sources are (services/console), from this file. */
export const CONSOLE_SOURCE_DIR = join(__dirname, '../../../console/src');

export interface ConsoleAsset {
  readonly contentType: string;
  readonly body: Buffer;
}

/** URL path → asset, for the paths the console answers (`/` and `/console/*`). */
export type ConsoleAssets = ReadonlyMap<string, ConsoleAsset>;

/**
 * Builds the web console from its TypeScript sources into memory: one ES module bundle, its
 * stylesheet and the page. Nothing is written to disk and nothing built is committed, so a fresh
 * checkout serves a console that matches its sources; it takes a fraction of a second (esbuild,
 * which tsx brings), once per process, on the first request for it.
 */
export async function buildConsoleAssets(sourceDir: string = CONSOLE_SOURCE_DIR): Promise<ConsoleAssets> {
  const [bundle, css, html] = await Promise.all([
    build({
      entryPoints: [join(sourceDir, 'main.ts')],
      bundle: true,
      write: false,
      format: 'esm',
      target: 'es2022',
      platform: 'browser',
      minify: true,
      legalComments: 'none',
      logLevel: 'silent',
      tsconfig: join(sourceDir, '../tsconfig.json'),
    }),
    readFile(join(sourceDir, 'console.css')),
    readFile(join(sourceDir, 'index.html')),
  ]);
  const script = bundle.outputFiles[0];
  if (script === undefined) throw new Error('the console bundle is empty');
  return new Map([
    ['/', { contentType: 'text/html; charset=utf-8', body: html }],
    ['/console/console.js', { contentType: 'text/javascript; charset=utf-8', body: Buffer.from(script.contents) }],
    ['/console/console.css', { contentType: 'text/css; charset=utf-8', body: css }],
  ]);
}

/** True for the paths the console owns (answered without a token: they hold no data). */
export function isConsolePath(path: string): boolean {
  return path === '/' || path.startsWith('/console/');
}
