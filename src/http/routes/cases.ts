import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { caseContentSchema, casePatchSchema } from '../../domain/case';
import type { CaseService } from '../../services/escalations/case-service';
import { errorResponses } from '../errors';

export const caseView = caseContentSchema.extend({
  id: z.string(),
  callId: z.string(),
  createdBy: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
  readers: z.array(z.string()),
});

const params = z.object({ id: z.uuid() });

/** The case behind an escalation: for its agent, the experts offered it, supervisors. */
export const caseRoutes: FastifyPluginAsyncZod<{ cases: CaseService }> = async (app, { cases }) => {
  app.get(
    '/v1/cases/:id',
    { schema: { tags: ['cases'], params, response: { 200: caseView, ...errorResponses } } },
    async (request) => cases.get(request.params.id, request.principal),
  );

  app.patch(
    '/v1/cases/:id',
    {
      schema: {
        tags: ['cases'],
        summary: 'Change the case during the call; the fields given replace the stored ones',
        params,
        body: casePatchSchema,
        response: { 200: caseView, ...errorResponses },
      },
    },
    async (request) => cases.patch(request.params.id, request.principal, request.body),
  );
};
