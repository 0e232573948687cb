import { isAbsolute, resolve } from 'node:path';

/**
 * A file named on the command line, resolved from the directory the user typed it in. The
 * installed `roost` runs there already; `npm run roost` moves to the repository root and says
 * where it was called from in INIT_CWD.
 */
export function callerPath(path: string, cwd: string, env: Readonly<Record<string, string | undefined>>): string {
  if (isAbsolute(path)) return path;
  const viaNpm = env['npm_lifecycle_event'] === 'roost' && env['INIT_CWD'] !== undefined && env['INIT_CWD'] !== '';
  return resolve(viaNpm ? (env['INIT_CWD'] as string) : cwd, path);
}
