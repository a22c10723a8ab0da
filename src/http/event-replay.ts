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
  let buffered: LoggedEvent[] | undefined = [];
  const stop = events.onEvent((e) => {
    if (!wanted(e)) return;
    if (buffered) buffered.push(e);
    else stream.send(e.type, e, e.id);
  });
  const stream = openEventStream(request, reply, stop);
  // Replay, then what arrived meanwhile, without sending anything twice.
  let last = from ?? '';
  if (from) for (const e of (await events.since(from)).filter(wanted)) stream.send(e.type, e, (last = e.id));
  for (const e of buffered) if (!last || compareIds(e.id, last) > 0) stream.send(e.type, e, e.id);
  buffered = undefined;
}

/** Redis stream ids ("ms-seq") in order. */
function compareIds(a: string, b: string): number {
  const [am, as] = a.split('-').map(Number) as [number, number];
  const [bm, bs] = b.split('-').map(Number) as [number, number];
  return am - bm || as - bs;
}
