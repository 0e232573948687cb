/** One server-sent event: its name (`message` when none was given), id and data lines joined. */
export interface ServerSentEvent {
  readonly event: string;
  readonly id: string | null;
  readonly data: string;
}

/**
 * Splits server-sent event text into complete events and the unfinished rest (kept for the next
 * chunk). Comments (`: keep-alive`) and `retry:` lines are dropped; events without data too.
 */
export function parseServerSentEvents(text: string): { events: ServerSentEvent[]; rest: string } {
  const normalised = text.replace(/\r\n?/g, '\n');
  const blocks = normalised.split('\n\n');
  const rest = blocks.pop() ?? '';
  const events: ServerSentEvent[] = [];
  for (const block of blocks) {
    let event = 'message';
    let id: string | null = null;
    const data: string[] = [];
    for (const line of block.split('\n')) {
      if (line === '' || line.startsWith(':')) continue;
      const colon = line.indexOf(':');
      const field = colon === -1 ? line : line.slice(0, colon);
      const value = colon === -1 ? '' : line.slice(colon + 1).replace(/^ /, '');
      if (field === 'event') event = value;
      else if (field === 'id') id = value;
      else if (field === 'data') data.push(value);
    }
    if (data.length > 0) events.push({ event, id, data: data.join('\n') });
  }
  return { events, rest };
}
