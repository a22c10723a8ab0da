import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ATTEMPT_OUTCOMES, ESCALATION_MODES, ESCALATION_STATES, escalationRequestSchema } from '../../domain/escalation';
import type { EscalationService } from '../../services/escalations/escalation-service';
import { requireRole } from '../auth';
import { errorResponses } from '../errors';

const attemptView = z.object({
  expertId: z.string(),
  startedAt: z.string(),
  endedAt: z.string().optional(),
  outcome: z.enum(ATTEMPT_OUTCOMES),
  status: z.number().int().optional(),
});
export const escalationView = z.object({
  id: z.string(),
  callId: z.string(),
  mode: z.enum(ESCALATION_MODES),
  state: z.enum(ESCALATION_STATES),
  target: z.object({
    expertId: z.string().optional(),
    skills: z.array(z.object({ name: z.string(), minLevel: z.number() })).optional(),
    language: z.string().optional(),
  }),
  caseId: z.string(),
  requestedBy: z.string(),
  agentId: z.string().optional(),
  expertId: z.string().optional(),
  attempts: z.array(attemptView),
  ringTimeoutSec: z.number(),
  createdAt: z.string(),
  deadlineAt: z.string(),
  endedAt: z.string().optional(),
  reason: z.string().optional(),
});

const callParams = z.object({ id: z.uuid() });
const escalationParams = z.object({ id: z.uuid() });
const idempotencyHeaders = z.object({
  'idempotency-key': z.string().min(1).max(200).regex(/^[\x21-\x7e]+$/, 'printable ASCII without spaces').optional(),
});
const steering = { 202: escalationView, ...errorResponses };

/** Bringing experts into calls, and steering the escalation while it runs. */
export const escalationRoutes: FastifyPluginAsyncZod<{ escalations: EscalationService }> = async (app, { escalations }) => {
  app.post(
    '/v1/calls/:id/escalations',
    {
      preHandler: requireRole('admin', 'supervisor', 'agent'),
      schema: {
        tags: ['escalations'],
        summary: 'Escalate the call to an expert; 202 at once, progress as escalation.* events',
        params: callParams,
        headers: idempotencyHeaders,
        body: escalationRequestSchema,
        response: { 200: escalationView, 202: escalationView, ...errorResponses },
      },
    },
    async (request, reply) => {
      const { escalation, created } = await escalations.request(
        request.params.id,
        request.principal,
        request.body,
        request.headers['idempotency-key'],
      );
      // A replayed Idempotency-Key gets the same escalation, as it is now.
      return reply.code(created ? 202 : 200).send(escalation);
    },
  );

  app.get(
    '/v1/escalations/:id',
    { schema: { tags: ['escalations'], params: escalationParams, response: { 200: escalationView, ...errorResponses } } },
    async (request) => escalations.get(request.params.id, request.principal),
  );

  const steer = (action: 'merge' | 'cancel' | 'decline', summary: string) =>
    app.post(
      `/v1/escalations/:id/${action}`,
      { schema: { tags: ['escalations'], summary, params: escalationParams, response: steering } },
      async (request, reply) => reply.code(202).send(await escalations[action](request.params.id, request.principal)),
    );
  steer('merge', 'Consult or transfer: bring the customer back (transfer: the agent leaves)');
  steer('cancel', 'Drop the expert (ringing or briefed) and give the customer back to the agent');
  steer('decline', 'The offered expert turns the offer down from their screen');
};
