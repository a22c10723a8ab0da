import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { LEG_ROLES } from '../../domain/call';
import type { CallService } from '../../services/calls/call-service';
import { errorResponses } from '../errors';

const participantView = z.object({
  legId: z.string(),
  role: z.enum(LEG_ROLES),
  personId: z.string().optional(),
  state: z.enum(['ringing', 'joined']),
  muted: z.boolean(),
  held: z.boolean(),
  /** A staff member's desk phone has the call on hold (muted meanwhile). */
  phoneHeld: z.boolean(),
  joinedAt: z.string().optional(),
});
const callParams = z.object({ id: z.uuid() });
const accepted = { 202: z.object({ status: z.literal('accepted') }), ...errorResponses };
const CONTROLS = ['mute', 'unmute', 'hold', 'unhold', 'kick'] as const;

/** The room of a call: who is in it, and the controls of the people in it and of supervisors. */
export const conferenceRoutes: FastifyPluginAsyncZod<{ calls: CallService }> = async (app, { calls }) => {
  app.get(
    '/v1/calls/:id/participants',
    {
      schema: {
        tags: ['conference'],
        params: callParams,
        response: { 200: z.object({ items: z.array(participantView) }), ...errorResponses },
      },
    },
    async (request) => {
      const call = await calls.getFor(request.params.id, request.principal);
      const items = call.legs.flatMap((l) =>
        l.state === 'ended'
          ? []
          : [{ legId: l.id, role: l.role, personId: l.personId, state: l.state, muted: Boolean(l.muted), held: Boolean(l.held), phoneHeld: Boolean(l.phoneHeld), joinedAt: l.joinedAt }],
      );
      return { items };
    },
  );

  app.post(
    '/v1/calls/:id/participants/:legId/:control',
    {
      schema: {
        tags: ['conference'],
        summary: 'Hold means music and no audio either way; kick takes the leg out (the customer: ends the call)',
        params: callParams.extend({ legId: z.string().min(1).max(64), control: z.enum(CONTROLS) }),
        response: accepted,
      },
    },
    async (request, reply) => {
      const { id, legId, control } = request.params;
      await calls.getFor(id, request.principal);
      await calls.send({ type: 'control', callId: id, legId, control, by: request.principal.personId ?? request.principal.role });
      return reply.code(202).send({ status: 'accepted' as const });
    },
  );

  app.post(
    '/v1/calls/:id/leave',
    { schema: { tags: ['conference'], summary: 'Take your own leg out of the call', params: callParams, response: accepted } },
    async (request, reply) => {
      const { personId } = request.principal;
      const call = await calls.getFor(request.params.id, request.principal);
      if (!personId || !call.legs.some((l) => l.personId === personId && l.state === 'joined')) {
        return reply.code(409).send({ error: 'not_in_call', message: 'you have no leg in this call', details: { callId: call.id } });
      }
      await calls.send({ type: 'leave', callId: call.id, personId });
      return reply.code(202).send({ status: 'accepted' as const });
    },
  );

  app.post(
    '/v1/calls/:id/end',
    { schema: { tags: ['conference'], summary: 'End the call for everyone', params: callParams, response: accepted } },
    async (request, reply) => {
      await calls.getFor(request.params.id, request.principal);
      await calls.send({ type: 'end', callId: request.params.id });
      return reply.code(202).send({ status: 'accepted' as const });
    },
  );
};
