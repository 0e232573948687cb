import { TOPOLOGY_SETTINGS } from '@roost/contracts';
import { SERVICE_NAMES } from './command-line';
import { SETTINGS, type SettingSpec } from './settings-table';

/** The `--help` text, built from the settings table. */
export function helpText(): string {
  const rows = Object.values(SETTINGS).map((spec: SettingSpec) => {
    const flag = `--${spec.flag}${spec.kind === 'list' ? ' <a,b>' : ' <value>'}`;
    const fallback = spec.fallback === undefined ? '' : ` (default ${spec.fallback})`;
    return `  ${flag.padEnd(40)} ${spec.env}\n      ${spec.help}${fallback}`;
  });
  const topologyRows = TOPOLOGY_SETTINGS.map((spec) => `  ${`--${spec.flag} <value>`.padEnd(40)} ${spec.env}\n      ${spec.help} (default ${spec.fallback})`);
  return [
    'Roost: canary-first OpAMP config rollouts for OpenTelemetry Collector fleets.',
    '',
    'Usage:',
    '  npm start                                 every service in one process, in-memory state',
    '  npm start -- [service ...] [flags]        only the named services (for a cluster)',
    '  roost-server [service ...] [flags]        the same, once installed (npm link; package.json bin)',
    '',
    `Services: all (default), ${SERVICE_NAMES.join(', ')}; also --service a,b.`,
    '',
    'With neither NATS_URL nor REDIS_URL set, everything runs on in-memory adapters: nothing to',
    'install, nothing kept after exit. NATS_URL moves the bus, event streams and key-value buckets',
    'to NATS JetStream, REDIS_URL the read models to Redis; a cluster sets both in every process.',
    '',
    'Flags (each also read from the environment variable shown; a flag wins):',
    ...rows,
    '',
    'NATS streams and buckets (give every process of a deployment the same values):',
    ...topologyRows,
    '  --help',
    '      this text',
    '',
    'SIGINT or SIGTERM stops gracefully: agents are disconnected and their events written, running',
    'rollout work and consumers drain, then connections close. A second signal exits at once.',
    '',
  ].join('\n');
}
