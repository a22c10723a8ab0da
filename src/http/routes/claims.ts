import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { criteriaSchema } from '../../domain/matching';
import type { ClaimService } from '../../services/claim-service';
import { requireRole } from '../auth';
import { errorResponses } from '../errors';

const claimBody = criteriaSchema.extend({
  leaseSec: z.number().int().min(1).max(3600).optional(),
});
const claimView = z.object({ claimId: z.string(), expertId: z.string(), expiresAt: z.string() });
const claimParams = z.object({ id: z.uuid() });
const renewBody = z.object({ leaseSec: z.number().int().min(1).max(3600).optional() }).strict().nullish();

const claimants = requireRole('admin', 'supervisor', 'agent');

/** The shared pool: any channel claims a free person here and holds them by lease. */
export const claimRoutes: FastifyPluginAsyncZod<{ claims: ClaimService }> = async (app, { claims }) => {
  app.post(
    '/v1/claims',
    {
      preHandler: claimants,
      schema: {
        tags: ['claims'],
        summary: 'Atomically claim the longest-idle free person who matches; 409 none_available if nobody',
        body: claimBody,
        response: { 201: claimView, ...errorResponses },
      },
    },
    async (request, reply) => {
      const { leaseSec, ...criteria } = request.body;
      const claim = await claims.claim(criteria, leaseSec, { by: request.principal.personId ?? request.principal.role });
      return reply.code(201).send({ claimId: claim.claimId, expertId: claim.personId, expiresAt: claim.expiresAt });
    },
  );

  app.post(
    '/v1/claims/:id/renew',
    { preHandler: claimants, schema: { tags: ['claims'], params: claimParams, body: renewBody, response: { 200: claimView, ...errorResponses } } },
    async (request) => {
      const claim = await claims.renew(request.params.id, request.body?.leaseSec);
      return { claimId: claim.claimId, expertId: claim.personId, expiresAt: claim.expiresAt };
    },
  );

  app.delete(
    '/v1/claims/:id',
    { preHandler: claimants, schema: { tags: ['claims'], params: claimParams, response: { 204: z.null(), ...errorResponses } } },
    async (request, reply) => {
      await claims.release(request.params.id);
      return reply.code(204).send(null);
    },
  );
};
