import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { CALL_STATES, LEG_ROLES, LEG_STATES } from '../../domain/call';
import type { LoggedEvent } from '../../domain/events';
import type { CallService } from '../../services/calls/call-service';
import type { EventFeed } from '../../services/ports/event-feed';
import { requireRole } from '../auth';
import { errorResponses } from '../errors';
import { replayQuery, streamEvents } from '../event-replay';

const legView = z.object({
  id: z.string(),
  role: z.enum(LEG_ROLES),
  personId: z.string().optional(),
  state: z.enum(LEG_STATES),
  memberId: z.string().optional(),
  startedAt: z.string(),
  joinedAt: z.string().optional(),
  endedAt: z.string().optional(),
});
const callView = z.object({
  id: z.string(),
  sipCallId: z.string(),
  customer: z.string(),
  serviceNumber: z.string(),
  state: z.enum(CALL_STATES),
  room: z.string(),
  mediaServer: z.string(),
  owner: z.string(),
  createdAt: z.string(),
  queuedAt: z.string().optional(),
  answeredAt: z.string().optional(),
  legs: z.array(legView),
});
const callParams = z.object({ id: z.uuid() });
// What a call's screen follows: the call itself and who is in its room.
const isCallEvent = (e: LoggedEvent) => e.type.startsWith('call.') || e.type.startsWith('participant.');
const staff = requireRole('admin', 'supervisor', 'agent', 'expert');

/** Live calls, readable from any instance, and their event stream. */
export const callRoutes: FastifyPluginAsyncZod<{ calls: CallService; events: EventFeed }> = async (app, { calls, events }) => {
  app.get(
    '/v1/calls',
    { preHandler: staff, schema: { tags: ['calls'], response: { 200: z.object({ items: z.array(callView) }), ...errorResponses } } },
    async () => ({ items: await calls.list() }),
  );

  app.get(
    '/v1/calls/:id',
    { preHandler: staff, schema: { tags: ['calls'], params: callParams, response: { 200: callView, ...errorResponses } } },
    async (request) => calls.get(request.params.id),
  );

  app.post(
    '/v1/calls/:id/hangup',
    {
      preHandler: requireRole('admin', 'supervisor', 'agent'),
      schema: { tags: ['calls'], params: callParams, response: { 202: z.object({ status: z.literal('hanging_up') }), ...errorResponses } },
    },
    async (request, reply) => {
      await calls.hangup(request.params.id);
      return reply.code(202).send({ status: 'hanging_up' as const });
    },
  );

  app.get(
    '/v1/calls/stream',
    {
      preHandler: staff,
      schema: {
        tags: ['calls'],
        summary: 'SSE of call.* and participant.* events; Last-Event-ID or ?since= replays from that id',
        querystring: replayQuery,
      },
    },
    async (request, reply) => streamEvents(request, reply, events, isCallEvent, request.query.since),
  );
};
