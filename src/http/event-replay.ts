import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { LoggedEvent } from '../domain/events';
import type { EventFeed } from '../services/ports/event-feed';
import { openEventStream } from './sse';

export const replayQuery = z.object({
  since: z.string().regex(/^\d+-\d+$/, 'an event id such as 1700000000000-0').optional(),
  access_token: z.string().optional(),
});

/**
 * Streams the log's events that pass `wanted` as SSE: first those after
 * `?since=` or Last-Event-ID, then live ones, never one twice.
 */
export async function streamEvents(
  request: FastifyRequest,
  reply: FastifyReply,
  events: EventFeed,
  wanted: (e: LoggedEvent) => boolean,
  since: string | undefined,
): Promise<void> {
  const from = since ?? (request.headers['last-event-id'] as string | undefined);
  // A live event can also be in the replay (it was appended while the replay was
  // read, and its announcement arrives after): ids only ever go up, so send each once.
  let lastSent = from ?? '';
  const send = (e: LoggedEvent) => {
    if (lastSent && compareIds(e.id, lastSent) <= 0) return;
    lastSent = e.id;
    stream.send(e.type, e, e.id);
  };
  let buffered: LoggedEvent[] | undefined = [];
  const stop = events.onEvent((e) => {
    if (!wanted(e)) return;
    if (buffered) buffered.push(e);
    else send(e);
  });
  const stream = openEventStream(request, reply, stop);
  if (from) for (const e of (await events.since(from)).filter(wanted)) send(e);
  for (const e of buffered) send(e);
  buffered = undefined;
}

/** Redis stream ids ("ms-seq") in order. */
function compareIds(a: string, b: string): number {
  const [am, as] = a.split('-').map(Number) as [number, number];
  const [bm, bs] = b.split('-').map(Number) as [number, number];
  return am - bm || as - bs;
}
