import nx from '@nx/eslint-plugin';
import tseslint from 'typescript-eslint';

/**
 * Module boundaries. Every project carries a `type:*` and a `scope:*` tag (see its project.json).
 * - domain libs are pure: they depend on domain libs only and import no framework, broker,
 *   database, socket or Node built-in; clocks, randomness and ids arrive as data.
 * - platform libs adapt ports to real engines; services wire platform to domain.
 * - a service never imports another service; cross-service code is a lib.
 */
const IMPURE_PACKAGES = [
  '@nestjs/*', '@nats-io/*', 'ioredis', 'ws', 'node:*', 'pino', 'prom-client', 'uuid', '@grpc/*',
  'fs', 'path', 'os', 'http', 'https', 'net', 'zlib', 'crypto', 'child_process', 'events', 'timers',
];

const NODE_BUILTINS = ['fs', 'fs/*', 'path', 'os', 'http', 'https', 'http2', 'net', 'tls', 'dgram', 'zlib', 'crypto', 'child_process', 'worker_threads', 'events', 'timers', 'stream', 'perf_hooks', 'diagnostics_channel'];

const impurityMessage = 'domain code is pure: time, randomness and ids arrive as data';

export default [
  { ignores: ['**/node_modules/**', '**/dist/**', '**/generated/**', 'tmp/**', '.nx/**', 'coverage/**'] },
  ...nx.configs['flat/base'],
  ...nx.configs['flat/typescript'],
  {
    files: ['**/*.ts', '**/*.tsx'],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: false,
          allow: [],
          depConstraints: [
            { sourceTag: 'type:domain', onlyDependOnLibsWithTags: ['type:domain'], bannedExternalImports: IMPURE_PACKAGES },
            { sourceTag: 'type:platform', onlyDependOnLibsWithTags: ['type:domain', 'type:platform'] },
            { sourceTag: 'type:service', onlyDependOnLibsWithTags: ['type:domain', 'type:platform'] },
            { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:domain', 'type:platform', 'type:service'] },
            { sourceTag: 'type:test', onlyDependOnLibsWithTags: ['type:domain', 'type:platform', 'type:service', 'type:app'] },
            { sourceTag: 'scope:shared', onlyDependOnLibsWithTags: ['scope:shared'] },
            { sourceTag: 'scope:gateway', onlyDependOnLibsWithTags: ['scope:shared', 'scope:gateway'] },
            { sourceTag: 'scope:orchestrator', onlyDependOnLibsWithTags: ['scope:shared', 'scope:orchestrator'] },
            { sourceTag: 'scope:projector', onlyDependOnLibsWithTags: ['scope:shared', 'scope:projector'] },
            { sourceTag: 'scope:admin-api', onlyDependOnLibsWithTags: ['scope:shared', 'scope:admin-api'] },
          ],
        },
      ],
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false } }],
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-syntax': ['error', { selector: 'ExportAllDeclaration', message: 'name every export of a front door; no export *' }],
    },
  },
  {
    files: ['libs/**/*.ts'],
    ignores: ['libs/platform/testing/**', '**/*.spec.ts'],
    rules: { 'no-console': 'error' },
  },
  {
    // Pure domain: no clock, no randomness, no generated ids, no timers.
    files: ['libs/opamp/**/*.ts', 'libs/rollout/**/*.ts', 'libs/fleet/**/*.ts', 'libs/contracts/**/*.ts', 'libs/event-catalog/**/*.ts', 'libs/views/**/*.ts', 'libs/config-versions/**/*.ts', 'libs/telemetry/**/*.ts'],
    ignores: ['**/*.spec.ts'],
    rules: {
      'no-restricted-properties': [
        'error',
        { object: 'Date', property: 'now', message: impurityMessage },
        { object: 'Math', property: 'random', message: impurityMessage },
        { object: 'crypto', property: 'randomUUID', message: impurityMessage },
        { object: 'crypto', property: 'getRandomValues', message: impurityMessage },
      ],
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['node:*', ...NODE_BUILTINS], message: 'domain code does no I/O; Node built-ins belong in platform or service code' }] },
      ],
      'no-restricted-globals': [
        'error',
        { name: 'setTimeout', message: impurityMessage },
        { name: 'setInterval', message: impurityMessage },
        { name: 'process', message: impurityMessage },
        { name: 'performance', message: impurityMessage },
        { name: 'fetch', message: impurityMessage },
      ],
      'no-restricted-syntax': [
        'error',
        { selector: 'ExportAllDeclaration', message: 'name every export of a front door; no export *' },
        { selector: "NewExpression[callee.name='Date'][arguments.length=0]", message: impurityMessage },
        { selector: "CallExpression[callee.name='randomUUID']", message: impurityMessage },
      ],
    },
  },
  {
    files: ['**/*.spec.ts', '**/*.spec.tsx', 'test/**/*.ts', 'bench/**/*.ts'],
    rules: { '@typescript-eslint/no-non-null-assertion': 'off' },
  },
];
