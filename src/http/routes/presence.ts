import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ForbiddenError } from '../../domain/errors';
import { PRESENCE_STATES } from '../../domain/presence';
import type { DirectoryService } from '../../services/directory-service';
import type { PresenceService } from '../../services/presence-service';
import type { PresenceFeed } from '../../services/ports/presence-feed';
import { requireSelfOrManager } from '../auth';
import { errorResponses } from '../errors';
import { toPersonView } from '../person-view';
import { openEventStream } from '../sse';
import { idParams, personViewSchema } from '../schemas';

const presenceBody = z
  .object({
    state: z.enum(PRESENCE_STATES),
    reason: z.string().trim().max(200).default(''),
  })
  .strict();

interface Deps {
  presence: PresenceService;
  directory: DirectoryService;
  feed: PresenceFeed;
}

export const presenceRoutes: FastifyPluginAsyncZod<Deps> = async (app, { presence, directory, feed }) => {
  app.put(
    '/v1/experts/:id/presence',
    {
      schema: {
        tags: ['presence'],
        summary: 'Set presence: the person themself, or a supervisor as an override',
        params: idParams,
        body: presenceBody,
        response: { 200: personViewSchema, ...errorResponses },
      },
    },
    async (request) => {
      const actor = requireSelfOrManager(request, request.params.id, 'change only their own presence');
      const { state, reason } = request.body;
      return toPersonView(await presence.set(request.params.id, state, reason, actor));
    },
  );

  app.post(
    '/v1/presence/heartbeat',
    {
      schema: {
        tags: ['presence'],
        summary: "The console is open: keeps the token's person from going away",
        response: { 200: personViewSchema, ...errorResponses },
      },
    },
    async (request) => {
      const { personId } = request.principal;
      if (!personId) throw new ForbiddenError('heartbeats come from a person; this token has no personId');
      return toPersonView(await presence.heartbeat(personId));
    },
  );

  app.get(
    '/v1/presence/stream',
    {
      schema: {
        tags: ['presence'],
        summary: 'Server-sent events: a "snapshot" of everyone, then every "presence" change',
        querystring: z.object({ access_token: z.string().optional() }),
      },
    },
    async (request, reply) => {
      // Subscribe before reading the snapshot so no change falls between the
      // two; changes that arrive while it is read are sent right after it.
      let buffered: unknown[] | undefined = [];
      const stop = feed.onChange((event) => (buffered ? buffered.push(event) : stream.send('presence', event)));
      const stream = openEventStream(request, reply, stop);
      const everyone = await directory.list({});
      stream.send('snapshot', { items: everyone.map(toPersonView) });
      for (const event of buffered) stream.send('presence', event);
      buffered = undefined;
    },
  );

  app.get('/v1/experts/:id/presence', { schema: { tags: ['presence'], params: idParams } }, async (request) =>
    toPersonView(await directory.get(request.params.id)).presence,
  );
};
