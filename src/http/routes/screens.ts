import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { EventFeed } from '../../services/ports/event-feed';
import type { ScreenFeed } from '../../services/ports/screen-feed';
import { requireRole, requireSelfOrManager } from '../auth';
import { replayQuery, streamEvents } from '../event-replay';
import { openEventStream } from '../sse';
import { idParams } from '../schemas';

/** Live feeds for consoles: a person's own screen, and the whole event log. */
export const screenRoutes: FastifyPluginAsyncZod<{ screens: ScreenFeed; events: EventFeed }> = async (app, { screens, events }) => {
  app.get(
    '/v1/experts/:id/stream',
    {
      schema: {
        tags: ['screens'],
        summary: 'SSE of what this person\'s screen shows: "offer" (the case pop), "offer_ended", "escalation", "case", "notice"',
        params: idParams,
        querystring: z.object({ access_token: z.string().optional() }),
      },
    },
    async (request, reply) => {
      requireSelfOrManager(request, request.params.id, 'read only their own screen stream');
      const stream = openEventStream(request, reply, () => stop());
      const stop = screens.subscribe(request.params.id, (m) => stream.send(m.kind, m.data));
    },
  );

  app.get(
    '/v1/events/stream',
    {
      preHandler: requireRole('admin', 'supervisor'),
      schema: {
        tags: ['events'],
        summary: 'SSE of every event (or those whose type starts with one of ?types=); Last-Event-ID or ?since= replays',
        querystring: replayQuery.extend({
          types: z
            .string()
            .regex(/^[a-z_.]+(,[a-z_.]+)*$/, 'comma-separated type prefixes such as escalation,participant')
            .optional(),
        }),
      },
    },
    async (request, reply) => {
      const prefixes = request.query.types?.split(',') ?? [''];
      await streamEvents(request, reply, events, (e) => prefixes.some((p) => e.type.startsWith(p)), request.query.since);
    },
  );
};
