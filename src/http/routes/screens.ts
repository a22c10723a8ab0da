import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { ExpertOffers } from '../../services/escalations/expert-offers';
import type { EventFeed } from '../../services/ports/event-feed';
import type { ScreenFeed, ScreenMessage } from '../../services/ports/screen-feed';
import { requireRole, requireSelfOrManager } from '../auth';
import { replayQuery, streamEvents } from '../event-replay';
import { openEventStream } from '../sse';
import { idParams } from '../schemas';

/** Live feeds for consoles: a person's own screen, and the whole event log. */
type ScreenDeps = { screens: ScreenFeed; events: EventFeed; offers: Pick<ExpertOffers, 'standing'> };

export const screenRoutes: FastifyPluginAsyncZod<ScreenDeps> = async (app, { screens, events, offers }) => {
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
      const { id } = request.params;
      requireSelfOrManager(request, id, 'read only their own screen stream');
      // A screen opened while the phone rings shows the offer it missed. Live
      // messages wait behind it, so an end of that offer never comes first.
      let buffered: ScreenMessage[] | undefined = [];
      const stop = screens.subscribe(id, (m) => (buffered ? buffered.push(m) : stream.send(m.kind, m.data)));
      const stream = openEventStream(request, reply, stop);
      const offer = await offers.standing(id).catch((err: unknown) => {
        request.log.warn({ err, personId: id }, 'the standing offer could not be read; the screen gets the next ones');
        return undefined;
      });
      if (offer) stream.send(offer.kind, offer.data);
      for (const m of buffered) stream.send(m.kind, m.data);
      buffered = undefined;
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
