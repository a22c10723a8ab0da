import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ForbiddenError } from '../../domain/errors';
import { wrapUpInputSchema } from '../../domain/wrap-up';
import type { WrapUpService } from '../../services/contacts/wrap-up-service';
import { requireRole } from '../auth';
import { errorResponses } from '../errors';

const wrapUpView = wrapUpInputSchema.extend({
  personId: z.string(),
  role: z.enum(['agent', 'expert']),
  at: z.string(),
});

/** The wrap-up of a call, by its agent or an expert who joined it. */
export const wrapUpRoutes: FastifyPluginAsyncZod<{ wrapUps: WrapUpService }> = async (app, { wrapUps }) => {
  app.post(
    '/v1/calls/:id/wrapup',
    {
      preHandler: requireRole('agent', 'expert'),
      schema: {
        tags: ['calls'],
        summary: 'Wrap up a call (live or ended, within WRAPUP_WINDOW_SEC of its end); once per person',
        params: z.object({ id: z.uuid() }),
        body: wrapUpInputSchema,
        response: { 201: wrapUpView, ...errorResponses },
      },
    },
    async (request, reply) => {
      const { personId } = request.principal;
      if (!personId) throw new ForbiddenError('a wrap-up comes from a person; this token has no personId');
      return reply.code(201).send(await wrapUps.post(request.params.id, personId, request.body));
    },
  );
};
