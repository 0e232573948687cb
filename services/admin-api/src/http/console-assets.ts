import { readFile } from 'node:fs/promises';
import { extname, join, relative, sep } from 'node:path';

/**
 * Where the web console's build is (services/console/dist, from this file): written by
 * `npm run console:build` (Vite), which `npm start` and `npm test` run when the console's sources
 * changed. Nothing built is committed.
 */
export const CONSOLE_DIST_DIR = join(__dirname, '../../../console/dist');

/** The command that builds the console, named when the build is missing. */
export const CONSOLE_BUILD_COMMAND = 'npm run console:build';

export interface ConsoleFile {
  readonly contentType: string;
  readonly body: Buffer;
  /** Named by its content's hash (`/console/assets/index-<hash>.js`): cacheable for good. */
  readonly immutable: boolean;
}

/** What the console answers for a path: a file, no such file, or no build at all. */
export type ConsoleAnswer = { readonly kind: 'file'; readonly file: ConsoleFile } | { readonly kind: 'not_found' } | { readonly kind: 'not_built' };

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.json': 'application/json; charset=utf-8',
};

/** True for the paths the console owns (answered without a token: they hold no data). */
export function isConsolePath(path: string): boolean {
  return path === '/' || path.startsWith('/console/');
}

/**
 * The file of the console's build for a URL path: `/` is its page, `/console/<file>` the files
 * the page loads. Only plain names under the build folder are read (no dot files, no `..`, no
 * other extension than the build writes); the page missing means the console was never built.
 */
export async function readConsoleFile(distDir: string, path: string): Promise<ConsoleAnswer> {
  const page = await readIfThere(join(distDir, 'index.html'));
  if (page === null) return { kind: 'not_built' };
  if (path === '/') return { kind: 'file', file: { contentType: CONTENT_TYPES['.html'] ?? '', body: page, immutable: false } };
  const name = path.slice('/console/'.length);
  const contentType = CONTENT_TYPES[extname(name)];
  if (contentType === undefined || !/^[A-Za-z0-9_-][A-Za-z0-9._-]*(\/[A-Za-z0-9_-][A-Za-z0-9._-]*)*$/.test(name)) return { kind: 'not_found' };
  const file = join(distDir, ...name.split('/'));
  if (relative(distDir, file).split(sep).includes('..')) return { kind: 'not_found' };
  const body = await readIfThere(file);
  return body === null ? { kind: 'not_found' } : { kind: 'file', file: { contentType, body, immutable: name.startsWith('assets/') } };
}

async function readIfThere(file: string): Promise<Buffer | null> {
  try {
    return await readFile(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'EISDIR' || code === 'ENOTDIR') return null;
    throw error;
  }
}

/** The page `/` answers while the console is not built: what to run, in words. */
export function notBuiltPage(): string {
  return [
    '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Roost: console not built</title></head><body>',
    '<h1>The Roost web console is not built</h1>',
    `<p>Run <code>${CONSOLE_BUILD_COMMAND}</code> in the Roost checkout (or start Roost with <code>npm start</code>, which builds it when needed), then reload this page.</p>`,
    '<p>The admin API itself works without it: <a href="/api/v1/openapi.json">/api/v1/openapi.json</a>.</p>',
    '</body></html>',
  ].join('\n');
}
