/**
 * The Roost gateway on in-memory platform adapters, as a server under test.
 *
 * NOT WIRED YET: services/gateway does not expose an in-process start function yet. Wiring it
 * is this file only: start the gateway on 127.0.0.1:0 with the in-memory platform, count agents
 * from its fleet events, and implement deliverConfig by storing the config, writing every
 * agent's desired entry and publishing the gateway's push nudge, then resolving when the fleet
 * events show APPLIED for that hash from every agent.
 */
import { ServerNotWiredError, type ServerUnderTest } from '../server-under-test';

export function createRoostGateway(): ServerUnderTest {
  throw new ServerNotWiredError('services/gateway has no in-process start function yet');
}
