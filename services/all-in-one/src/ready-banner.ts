import type { RoostSettings } from './command-line';
import type { PlatformEngines } from './open-platform';
import type { Endpoint } from './start-roost';

/** What a person needs after start: which services run, on what, and where each listens. */
export function readyBanner(settings: RoostSettings, engines: PlatformEngines, endpoints: readonly Endpoint[]): string {
  const width = Math.max(...endpoints.map((endpoint) => endpoint.what.length), 0) + 2;
  const state =
    engines.streams === 'memory' && engines.views === 'memory'
      ? 'in-memory state (nothing kept after exit; set NATS_URL and REDIS_URL to keep it)'
      : `event streams and key-value on ${engines.streams === 'nats' ? 'NATS' : 'memory'}, views on ${engines.views === 'redis' ? 'Redis' : 'memory'}`;
  const lines = [
    '',
    `Roost is running: ${settings.services.join(', ')}`,
    `  ${state}`,
    ...endpoints.map((endpoint) => `  ${endpoint.what.padEnd(width)}${endpoint.url}`),
  ];
  if (settings.services.includes('gateway') && isLoopback(settings.host)) {
    lines.push(`  listening on ${settings.host} only: --host 0.0.0.0 (ROOST_HOST) accepts agents from other machines`);
  }
  lines.push('  stop with Ctrl-C (SIGINT) or SIGTERM', '');
  return lines.join('\n');
}

export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || host.startsWith('127.');
}
