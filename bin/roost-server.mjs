#!/usr/bin/env node
// The installed `roost-server` command (package.json `bin`): every Roost service in one process,
// or the named ones (`roost-server --help`); the same program as `npm start`.
import { runTypeScript } from './run-typescript.mjs';

await runTypeScript('services/all-in-one/src/main.ts');
