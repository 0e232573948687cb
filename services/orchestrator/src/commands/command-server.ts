import type { Logger, MessageBus, Subscription } from '@roost/ports';

export interface CommandRoute {
  readonly subject: string;
  readonly handle: (data: Uint8Array) => Promise<Uint8Array>;
}

/** Queue group of the orchestrators: only the leader subscribes, so one answers. */
const QUEUE = 'roost-orchestrator';

/**
 * Answers admin commands over request/reply while this process leads. Requests without a
 * reply subject are ignored (there is nobody to answer).
 */
export function serveCommands(bus: MessageBus, routes: readonly CommandRoute[], logger: Logger): { stop(): void } {
  const subscriptions: Subscription[] = routes.map((route) =>
    bus.subscribe(
      route.subject,
      (message) => {
        const respond = message.respond;
        if (respond === undefined) {
          logger.warn({ subject: message.subject }, 'ignored a command sent without a reply subject; use request/reply');
          return;
        }
        route.handle(message.data).then(respond, (error: unknown) => logger.error({ subject: message.subject, err: String(error) }, 'command handler crashed'));
      },
      { queue: QUEUE },
    ),
  );
  return { stop: () => subscriptions.forEach((subscription) => subscription.unsubscribe()) };
}
