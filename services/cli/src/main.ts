/**
 * The `roost` CLI: `roost rollout start --group production --config otel-base --watch`
 * (package.json `bin`; `npx roost …` in the repository, or after `npm link` / a global install).
 * Talks to the admin API over HTTP (ROOST_URL, ROOST_TOKEN); `--help` lists the commands.
 * stdout carries only the command's output; a reader that goes away (`| head`) ends it quietly.
 */
import { readFile } from 'node:fs/promises';
import { callerPath } from './caller-path';
import { runCli } from './run-cli';

async function readInput(path: string): Promise<string> {
  if (path !== '-') return readFile(callerPath(path, process.cwd(), process.env), 'utf8');
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

// The reader of our output closed (`roost … | head -1`): nothing left to say to anyone.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw error;
});

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
