import pino from 'pino';
import type { Logger } from '@roost/ports';

let root: pino.Logger | null | undefined;

/**
 * The services' logs in a test, for reading a failure afterwards: with ROOST_TEST_LOG=<file>
 * every service a test bed starts logs there at debug level (one JSON line each, `svc` naming
 * the process); without it the services stay silent, as they do by default.
 */
export function testLogger(service: string): { logger?: Logger } {
  if (root === undefined) {
    const file = process.env['ROOST_TEST_LOG'];
    root = file ? pino({ level: 'debug' }, pino.destination({ dest: file, append: true, sync: true })) : null;
  }
  return root === null ? {} : { logger: root.child({ svc: service }) };
}
