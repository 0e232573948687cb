import { isLoopback, type RoostSettings } from './command-line';
import type { PlatformEngines } from './open-platform';
import type { Endpoint } from './start-roost';

/** What a person needs after start: which services run, on what, and where each listens. */
export function readyBanner(settings: RoostSettings, engines: PlatformEngines, endpoints: readonly Endpoint[]): string {
  const width = Math.max(...endpoints.map((endpoint) => endpoint.what.length), 0) + 2;
  const state =
    engines.streams === 'memory' && engines.views !== 'redis'
      ? 'in-memory state (nothing kept after exit; set NATS_URL and REDIS_URL to keep it)'
      : `event streams and key-value on ${engines.streams === 'nats' ? 'NATS' : 'memory'}${engines.views === 'none' ? '' : `, views on ${engines.views === 'redis' ? 'Redis' : 'memory'}`}`;
  const lines = [
    '',
    `Roost is running: ${settings.services.join(', ')}`,
    `  ${state}`,
    ...endpoints.map((endpoint) => `  ${endpoint.what.padEnd(width)}${endpoint.url}`),
  ];
  if (settings.services.includes('gateway') && isLoopback(settings.host)) {
    lines.push(`  listening on ${settings.host} only: --host 0.0.0.0 (ROOST_HOST) accepts agents from other machines`);
  }
  const admin = endpoints.find((endpoint) => endpoint.service === 'admin-api');
  if (admin) {
    if (settings.apiTokens.trim() === '' && settings.anonymousRole === undefined) lines.push('  admin API without tokens: requests without a token act as admin (set ROOST_API_TOKENS to require tokens)');
    const server = admin.url;
    lines.push(`  try the CLI: npx roost groups${server === 'http://127.0.0.1:8080' ? '' : ` --server ${server}`}`);
  }
  lines.push('  stop with Ctrl-C (SIGINT) or SIGTERM', '');
  return lines.join('\n');
}
