import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RolloutWatches } from '../watch/rollout-watch';

const KEEP_ALIVE_MS = 15_000;

/**
 * Streams a rollout's progress as server-sent events: `event: rollout` (id = the rollout's
 * version, data = the rollout as JSON) on every change, then `event: end` with the final status
 * once it is over, and the stream closes. A comment line every 15 s keeps proxies from timing out.
 */
export function streamRollout(rolloutId: string, request: IncomingMessage, response: ServerResponse, watches: RolloutWatches): void {
  response.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', connection: 'keep-alive', 'x-accel-buffering': 'no' });
  response.write('retry: 2000\n\n');
  let lastStatus: string | null = null;
  const keepAlive = setInterval(() => response.write(': keep-alive\n\n'), KEEP_ALIVE_MS);
  const handle = watches.watch(rolloutId, {
    progress: (rollout) => {
      lastStatus = rollout.status;
      response.write(`event: rollout\nid: ${rollout.version}\ndata: ${JSON.stringify(rollout)}\n\n`);
    },
    end: (reason) => {
      clearInterval(keepAlive);
      response.end(`event: end\ndata: ${JSON.stringify({ rolloutId, reason, status: lastStatus })}\n\n`);
    },
  });
  request.on('close', () => {
    clearInterval(keepAlive);
    handle.close();
  });
}
