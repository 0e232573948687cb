/**
 * The `roost` CLI: `npm run roost -- rollout start --group production --config otel-base --watch`.
 * Talks to the admin API over HTTP (ROOST_URL, ROOST_TOKEN); `--help` lists the commands.
 */
import { readFile } from 'node:fs/promises';
import { runCli } from './run-cli';

async function readInput(path: string): Promise<string> {
  if (path !== '-') return readFile(path, 'utf8');
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

runCli(process.argv.slice(2), process.env, {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
  interactive: process.stdout.isTTY === true,
  now: Date.now,
  readFile: readInput,
}).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`roost: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 1;
  },
);
