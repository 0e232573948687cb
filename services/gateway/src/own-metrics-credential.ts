import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

/** The headers an agent's own metrics arrive with: who it is, and the proof the gateway gave it. */
export const AGENT_ID_HEADER = 'x-roost-agent';
export const AGENT_KEY_HEADER = 'x-roost-agent-key';

/**
 * Per-agent credentials for the own-metrics receiver. The offer made to an agent carries its
 * instance uid and an HMAC of it under the gateways' key: a data point is attributed to the agent
 * named in the header only when the proof matches, so an agent cannot report as another (a
 * resource attribute alone could say anything). Every gateway behind one address must share the
 * key (`GATEWAY_OWN_METRICS_KEY`): an agent's exports may reach any of them.
 */
export class OwnMetricsCredentials {
  private readonly key: Buffer;

  constructor(secret: string | Uint8Array) {
    this.key = createHash('sha256').update('roost.own-metrics.v1\n').update(secret).digest();
  }

  /** The proof for one agent (base64url, 43 characters). */
  keyFor(agentId: string): string {
    return createHmac('sha256', this.key).update(agentId).digest('base64url');
  }

  /** The agent the headers name, when their proof matches; else why not. */
  verify(headers: IncomingHttpHeaders): { ok: true; agentId: string } | { ok: false; reason: string } {
    const agentId = single(headers[AGENT_ID_HEADER]);
    const proof = single(headers[AGENT_KEY_HEADER]);
    if (agentId === undefined || proof === undefined) return { ok: false, reason: `own metrics must carry the ${AGENT_ID_HEADER} and ${AGENT_KEY_HEADER} headers Roost offered the agent` };
    const expected = Buffer.from(this.keyFor(agentId));
    const given = Buffer.from(proof);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, reason: `${AGENT_KEY_HEADER} does not match agent ${agentId} (offered by a gateway with another GATEWAY_OWN_METRICS_KEY?)` };
    return { ok: true, agentId };
  }
}

function single(value: string | string[] | undefined): string | undefined {
  const text = Array.isArray(value) ? value[0] : value;
  return text === undefined || text === '' ? undefined : text;
}
