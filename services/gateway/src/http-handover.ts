import { subjects } from '@roost/contracts';
import type { KeyValueStore, Logger, MessageBus, Subscription } from '@roost/ports';
import type { AgentSessions } from './agent-sessions';

export interface HttpHandoverOptions {
  readonly gatewayId: string;
  /** An HTTP agent heard from within this long is held here. */
  readonly httpSilenceMs: number;
  /** How long a peer gets to answer. */
  readonly askTimeoutMs: number;
  readonly logger: Logger;
}

export interface HttpHandover {
  /** The agents among these that another live gateway heard from within its silence window. */
  heardElsewhere(agentIds: readonly string[]): Promise<ReadonlySet<string>>;
  stop(): void;
}

interface SeenRequest {
  readonly agentIds: readonly string[];
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/**
 * Plain-HTTP agents behind a per-request balancer poll every gateway in turn, so one gateway's
 * silence says nothing: before a gateway says an HTTP agent disconnected it asks its peers
 * (`gateway.<id>.http-seen`, each live gateway of the `gateways` bucket). A peer that heard from
 * the agent holds it now: it announces it again from its own verified state, and the asking
 * gateway lets it go without a word. A peer that does not answer in time counts as not having
 * heard from it: an agent that is gone is said to be gone.
 */
export function startHttpHandover(bus: MessageBus, gateways: KeyValueStore, sessions: AgentSessions, options: HttpHandoverOptions): HttpHandover {
  const subscription: Subscription = bus.subscribe(subjects.gatewayHttpSeen(options.gatewayId), (message) => {
    const request = seenRequestOf(message.data);
    if (request === null) {
      options.logger.warn({ bytes: message.data.length }, 'ignored a malformed http-seen request');
      return;
    }
    const seen = sessions.holdHttpAgents(request.agentIds, options.httpSilenceMs);
    message.respond?.(encoder.encode(JSON.stringify({ seen })));
  });

  async function ask(peer: string, request: Uint8Array): Promise<string[]> {
    try {
      const reply = JSON.parse(decoder.decode(await bus.request(subjects.gatewayHttpSeen(peer), request, { timeoutMs: options.askTimeoutMs }))) as { seen?: unknown };
      return Array.isArray(reply.seen) ? reply.seen.filter((id): id is string => typeof id === 'string') : [];
    } catch (error) {
      options.logger.debug({ peer, err: String(error) }, 'a gateway did not say which HTTP agents it holds');
      return [];
    }
  }

  return {
    heardElsewhere: async (agentIds) => {
      if (agentIds.length === 0) return new Set();
      let peers: string[];
      try {
        peers = (await gateways.keys()).filter((id) => id !== options.gatewayId);
      } catch (error) {
        options.logger.warn({ err: String(error) }, 'could not list the gateways to ask about silent HTTP agents');
        return new Set();
      }
      const request = encoder.encode(JSON.stringify({ agentIds }));
      const answers = await Promise.all(peers.map((peer) => ask(peer, request)));
      return new Set(answers.flat());
    },
    stop: () => subscription.unsubscribe(),
  };
}

function seenRequestOf(data: Uint8Array): SeenRequest | null {
  try {
    const value = JSON.parse(decoder.decode(data)) as { agentIds?: unknown };
    if (!Array.isArray(value.agentIds) || !value.agentIds.every((id) => typeof id === 'string')) return null;
    return { agentIds: value.agentIds as string[] };
  } catch {
    return null;
  }
}
