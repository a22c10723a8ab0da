import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { ContactReason } from '../../domain/contact-reason';
import { errorResponses } from '../errors';

/** The configured contact-reason taxonomy, for the wrap-up form. */
export const contactReasonRoutes: FastifyPluginAsyncZod<{ reasons: readonly ContactReason[] }> = async (app, { reasons }) => {
  app.get(
    '/v1/contact-reasons',
    {
      schema: {
        tags: ['calls'],
        response: { 200: z.object({ reasons: z.array(z.object({ code: z.string(), label: z.string() })) }), ...errorResponses },
      },
    },
    async () => ({ reasons: [...reasons] }),
  );
};
