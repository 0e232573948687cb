// Loads one of Roost's TypeScript entry points from an installed or linked package. tsx finds
// the `@roost/*` path aliases in the repository's tsconfig, not in the caller's directory.
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { register as registerCommonJs } from 'tsx/cjs/api';
import { register as registerModules } from 'tsx/esm/api';

const root = fileURLToPath(new URL('..', import.meta.url));

export async function runTypeScript(entry) {
  const tsconfig = join(root, 'tsconfig.json');
  process.env.TSX_TSCONFIG_PATH = tsconfig;
  registerCommonJs();
  registerModules({ tsconfig });
  await import(pathToFileURL(join(root, entry)).href);
}
