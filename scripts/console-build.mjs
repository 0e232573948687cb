// Builds the web console (services/console) with Vite into services/console/dist, which the admin
// API serves. With --if-stale it builds only when the console's inputs changed since the last
// build: a SHA-256 of its sources, its Vite config and the lock file is kept in the build folder,
// so a fresh clone, a pulled change or an upgraded dependency builds, and an unchanged tree costs
// a hash of a few dozen files. Prints one line: what it did and how long it took.
//
//   node scripts/console-build.mjs [--if-stale]     (npm run console:build; npm start's prestart)
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const CONSOLE = join(ROOT, 'services/console');
const DIST = join(CONSOLE, 'dist');
const STAMP = join(DIST, '.inputs.sha256');

/** Every file the build reads from the repository: the console's page, config and sources (not its specs and their fixtures), and the lock file. */
function inputFiles() {
  const sources = readdirSync(join(CONSOLE, 'src'), { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && !/\.spec\.tsx?$/.test(entry.name))
    .map((entry) => join(entry.parentPath ?? entry.path, entry.name))
    .filter((file) => !relative(join(CONSOLE, 'src'), file).startsWith('testing/'));
  return [join(CONSOLE, 'index.html'), join(CONSOLE, 'vite.config.mjs'), join(CONSOLE, 'tsconfig.json'), join(ROOT, 'package-lock.json'), ...sources].sort();
}

function inputsHash() {
  const hash = createHash('sha256');
  for (const file of inputFiles()) hash.update(relative(ROOT, file)).update('\0').update(readFileSync(file)).update('\0');
  return hash.digest('hex');
}

const ifStale = process.argv.includes('--if-stale');
const started = performance.now();
const inputs = inputsHash();
if (ifStale && existsSync(join(DIST, 'index.html')) && existsSync(STAMP) && readFileSync(STAMP, 'utf8').trim() === inputs) {
  console.log(`console build: fresh (${relative(ROOT, DIST)}, inputs ${inputs.slice(0, 12)})`);
  process.exit(0);
}

let vite;
try {
  vite = await import('vite');
} catch (error) {
  // `npm ci --omit=dev` leaves Vite out: Roost runs, and its console page says what to run.
  console.warn(`console build: skipped, Vite is not installed (${error.code ?? error.message}); run npm ci, then npm run console:build`);
  process.exit(0);
}
try {
  await vite.build({ configFile: join(CONSOLE, 'vite.config.mjs'), logLevel: 'warn' });
} catch (error) {
  console.error(`console build: failed: ${error.message}`);
  process.exit(1);
}
writeFileSync(STAMP, `${inputs}\n`);
console.log(`console build: built in ${((performance.now() - started) / 1000).toFixed(1)} s (${relative(ROOT, DIST)}, inputs ${inputs.slice(0, 12)})`);
