import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

/**
 * The directory holding buf and grpcurl, built from the Go module proxy by
 * scripts/contract-tools.sh (npm test builds them first; here they are found in its cache).
 */
export function contractToolsBin(): string {
  const script = join(__dirname, '../../scripts/contract-tools.sh');
  return execFileSync('bash', [script], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim();
}
