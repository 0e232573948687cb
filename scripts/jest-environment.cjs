// Jest's node environment, plus: when a test fails, the last service log lines its test bed kept
// (libs/platform/testing/src/test-log.ts) are printed after the failure, so a drill that failed
// once in CI shows what the gateways and orchestrators said just before.
const { TestEnvironment } = require('jest-environment-node');

const RING_KEY = '__roostRecentServiceLogs';

class RoostTestEnvironment extends TestEnvironment {
  async handleTestEvent(event, state) {
    if (super.handleTestEvent) await super.handleTestEvent(event, state);
    if (event.name !== 'test_fn_failure' && event.name !== 'hook_failure') return;
    const ring = this.global[RING_KEY];
    if (!Array.isArray(ring) || ring.length === 0) return;
    const what = event.test ? event.test.name : `${event.hook.type} hook`;
    process.stderr.write(`\n== the last ${ring.length} service log lines before "${what}" failed:\n${ring.join('\n')}\n== end of service log lines\n`);
  }
}

module.exports = RoostTestEnvironment;
