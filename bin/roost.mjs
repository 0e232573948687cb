#!/usr/bin/env node
// The installed `roost` command (package.json `bin`): runs the CLI's TypeScript through tsx,
// with the repository's tsconfig wherever the caller stands.
import { runTypeScript } from './run-typescript.mjs';

await runTypeScript('services/cli/src/main.ts');
