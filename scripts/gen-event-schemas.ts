// Writes the JSON Schema of every published event type and version, and their index, from the
// code's event contracts (libs/event-catalog).
//
//   npx tsx scripts/gen-event-schemas.ts          write docs/events/schemas/**
//   npx tsx scripts/gen-event-schemas.ts --check  exit 1 when a committed schema differs from what the code makes
//
// Other teams validate against these files (docs/events.md); the admin API serves the same
// documents at /api/v1/events/schemas.
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { catalogFiles } from '@roost/event-catalog';

const root = join(__dirname, '..');
const DIR = join(root, 'docs/events/schemas');

function committed(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? committed(path) : [relative(DIR, path)];
  });
}

const files = catalogFiles();
if (process.argv.includes('--check')) {
  const stale = [...files].filter(([path, text]) => !existsSync(join(DIR, path)) || readFileSync(join(DIR, path), 'utf8') !== text).map(([path]) => path);
  const extra = committed(DIR).filter((path) => !files.has(path));
  if (stale.length + extra.length > 0) {
    const what = [...stale.map((path) => `${path} differs`), ...extra.map((path) => `${path} is not made by the code`)];
    process.stderr.write(`events:check: docs/events/schemas: ${what.join(', ')}; run \`npm run events:gen\` and commit the result.\n`);
    process.exit(1);
  }
  process.stdout.write(`events:check: the ${files.size - 1} event schemas in docs/events/schemas are up to date.\n`);
} else {
  rmSync(DIR, { recursive: true, force: true });
  for (const [path, text] of files) {
    mkdirSync(dirname(join(DIR, path)), { recursive: true });
    writeFileSync(join(DIR, path), text);
  }
  process.stdout.write(`events:gen: wrote ${files.size - 1} event schemas and index.json to docs/events/schemas\n`);
}
