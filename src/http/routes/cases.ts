import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { caseContentSchema, casePatchSchema } from '../../domain/case';
import type { CaseService } from '../../services/escalations/case-service';
import { renderCaseCard } from '../case-card';
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

  app.get(
    '/v1/cases/:id/card',
    {
      // The link carries its own permission (signed, for this case, until a time): a desk phone's browser sends no token.
      config: { public: true },
      schema: {
        tags: ['cases'],
        summary: "The case as a page for a desk phone's browser, from the signed link in the expert's Call-Info",
        params,
        querystring: z.object({ until: z.coerce.number().int().positive(), sig: z.string().regex(/^[0-9a-f]{64}$/, 'a hex signature') }),
        response: { 200: z.string().describe('an HTML page'), ...errorResponses },
      },
    },
    async (request, reply) => {
      const record = await cases.getByLink(request.params.id, request.query.until, request.query.sig);
      return (
        reply
          .type('text/html; charset=utf-8')
          .header('cache-control', 'no-store')
          // Sent as it is: the page, not a JSON string.
          .serializer((payload: unknown) => payload as string)
          .send(renderCaseCard(record))
      );
    },
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
