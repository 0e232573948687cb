// One Jest run for the whole repository. The tier is in the file name:
//   *.spec.ts      pure logic, no I/O
//   *.int.spec.ts  against real servers started by the suite itself (nats-server, redis-server)
//   test/**        cross-service: end-to-end, interop with real OpAMP clients, faults
// The web console's component tests (*.spec.tsx) run in jsdom, named per file (@jest-environment).
const { pathsToModuleNameMapper } = require('ts-jest');
const { compilerOptions } = require('./tsconfig.base.json');

module.exports = {
  // Node, printing the services' recent log lines when a test fails (scripts/jest-environment.cjs).
  testEnvironment: '<rootDir>/scripts/jest-environment.cjs',
  roots: ['<rootDir>/libs', '<rootDir>/services', '<rootDir>/test'],
  testMatch: ['**/*.spec.ts', '**/*.spec.tsx'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.base.json', diagnostics: false }],
    '^.+\\.(tsx|mjs)$': '<rootDir>/scripts/jest-esm-transform.cjs',
  },
  // Preact ships ES modules only: they are transformed too.
  transformIgnorePatterns: ['/node_modules/(?!(preact|@testing-library/preact)/)'],
  moduleNameMapper: pathsToModuleNameMapper(compilerOptions.paths, { prefix: '<rootDir>/' }),
  moduleFileExtensions: ['ts', 'tsx', 'js', 'mjs', 'json'],
  testTimeout: 30000,
  maxWorkers: 2,
};
