import pino from 'pino';
import type { Logger } from '@roost/ports';

/** Lines kept for a failing test's report (scripts/jest-environment.cjs prints them). */
const RECENT_LINES = 300;
/** Where the test environment finds them: the test file's global, shared with its environment. */
const RING_KEY = '__roostRecentServiceLogs';

let root: pino.Logger | undefined;

/**
 * The services' logs in a test, for reading a failure afterwards. With ROOST_TEST_LOG=<file>
 * every service a test bed starts logs there at debug level (one JSON line each, `svc` naming
 * the process). Without it the last lines at info level and above are kept in memory, and the
 * test environment prints them when a test fails (a flaky drill in CI then shows what the
 * services said); a passing test prints nothing.
 */
export function testLogger(service: string): { logger: Logger } {
  root ??= createRoot();
  return { logger: root.child({ svc: service }) };
}

function createRoot(): pino.Logger {
  const file = process.env['ROOST_TEST_LOG'];
  if (file) return pino({ level: 'debug' }, pino.destination({ dest: file, append: true, sync: true }));
  const ring: string[] = [];
  (globalThis as Record<string, unknown>)[RING_KEY] = ring;
  return pino(
    { level: 'info', base: undefined, timestamp: pino.stdTimeFunctions.isoTime },
    {
      write(line: string): void {
        ring.push(line.trimEnd());
        if (ring.length > RECENT_LINES) ring.splice(0, ring.length - RECENT_LINES);
      },
    },
  );
}
