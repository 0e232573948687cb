import { CliError } from './cli-error';
import type { CommandContext, ExitCode } from './cli-io';
import { isFinal, renderRollout, type RolloutResource } from './render/rollout-view';

/** An interactive view is redrawn this often even without news (window countdowns). */
const REDRAW_MS = 1_000;
/** When the event stream breaks, the rollout is read this often instead. */
const POLL_MS = 1_000;

/**
 * Follows a rollout until it ends, from the admin API's server-sent events (falling back to
 * reading it every second if the stream breaks). A terminal shows the live view redrawn in
 * place; otherwise a line per change, then the final view. `--output json` prints each state
 * as one JSON line. Exit code 0 when the rollout completed, 1 when it ended otherwise.
 */
export async function watchRollout(context: CommandContext, rolloutId: string): Promise<ExitCode> {
  const view = liveView(context);
  let last: RolloutResource | null = null;
  const show = (rollout: RolloutResource): void => {
    last = rollout;
    view.show(rollout);
  };
  try {
    await followEvents(context, rolloutId, show);
    if (last === null || !isFinal((last as RolloutResource).status)) await poll(context, rolloutId, show);
  } catch (error) {
    if (!(error instanceof CliError) || error.code !== 'cli.unreachable' || last === null) throw error;
    await poll(context, rolloutId, show);
  } finally {
    view.close();
  }
  const final = last as RolloutResource | null;
  if (final === null) throw new CliError('cli.bad_reply', `the admin API sent nothing about rollout ${rolloutId}`);
  view.finish(final);
  return final.status === 'completed' ? 0 : 1;
}

async function followEvents(context: CommandContext, rolloutId: string, show: (rollout: RolloutResource) => void): Promise<void> {
  const abort = new AbortController();
  const response = await context.client.stream(`/api/v1/rollouts/${encodeURIComponent(rolloutId)}/events`, abort.signal);
  if (response.body === null) return;
  const decoder = new TextDecoder();
  let buffer = '';
  try {
    for await (const chunk of response.body) {
      buffer += decoder.decode(chunk as Uint8Array, { stream: true });
      let end: number;
      while ((end = buffer.indexOf('\n\n')) !== -1) {
        const event = parseEvent(buffer.slice(0, end));
        buffer = buffer.slice(end + 2);
        if (event.type === 'rollout') show(JSON.parse(event.data) as RolloutResource);
        if (event.type === 'end') return;
      }
    }
  } catch {
    // The stream broke (server stopped, network); the caller falls back to polling.
  } finally {
    abort.abort();
  }
}

/** One server-sent event block: its `event:` type and its `data:` lines joined. */
export function parseEvent(block: string): { type: string; data: string } {
  let type = 'message';
  const data: string[] = [];
  for (const line of block.split('\n')) {
    if (line.startsWith('event:')) type = line.slice(6).trim();
    else if (line.startsWith('data:')) data.push(line.slice(5).replace(/^ /, ''));
  }
  return { type, data: data.join('\n') };
}

async function poll(context: CommandContext, rolloutId: string, show: (rollout: RolloutResource) => void): Promise<void> {
  for (;;) {
    const rollout = await context.client.get<RolloutResource>(`/api/v1/rollouts/${encodeURIComponent(rolloutId)}`);
    show(rollout);
    if (isFinal(rollout.status)) return;
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

interface LiveView {
  show(rollout: RolloutResource): void;
  /** Stops redrawing. */
  close(): void;
  /** What stays on screen at the end. */
  finish(rollout: RolloutResource): void;
}

function liveView(context: CommandContext): LiveView {
  const { io, options } = context;
  if (options.output === 'json') {
    return { show: (rollout) => io.out(`${JSON.stringify(rollout)}\n`), close: () => undefined, finish: () => undefined };
  }
  if (io.interactive) {
    let drawn = 0;
    let current: RolloutResource | null = null;
    const draw = (): void => {
      if (current === null) return;
      const text = renderRollout(current, io.now());
      // Move to the start of the previous drawing and clear it, then draw anew.
      io.out(`${drawn > 0 ? `\x1b[${drawn}F\x1b[J` : ''}${text}`);
      drawn = text.split('\n').length - 1;
    };
    const timer = setInterval(draw, REDRAW_MS);
    return {
      show: (rollout) => {
        current = rollout;
        draw();
      },
      close: () => clearInterval(timer),
      finish: () => undefined,
    };
  }
  let lastLine = '';
  return {
    show: (rollout) => {
      const line = progressLine(rollout);
      if (line !== lastLine) io.out(`${new Date(io.now()).toISOString().slice(11, 19)} ${line}\n`);
      lastLine = line;
    },
    close: () => undefined,
    finish: (rollout) => io.out(renderRollout(rollout, io.now())),
  };
}

/** `in_progress · phase early (2/4) · 20/200 applied, 0 failed, 16 pending` */
export function progressLine(rollout: RolloutResource): string {
  const phase = rollout.currentPhase === null ? '' : ` · phase ${rollout.currentPhase} (${rollout.phaseIndex + 1}/${rollout.phases.length})`;
  const { applied, failed, pending } = rollout.counts;
  return `${rollout.status}${phase} · ${applied}/${rollout.members} applied, ${failed} failed, ${pending} pending`;
}
