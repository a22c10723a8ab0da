import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { CustomerHistory } from '../../services/contacts/customer-history';
import { requireRole } from '../auth';
import { errorResponses } from '../errors';

const outcome = z.enum(['in_progress', 'abandoned', 'not_answered', 'not_wrapped_up', 'resolved', 'unresolved']);
const historyEntry = z.object({
  callId: z.string(),
  date: z.string(),
  reason: z.string().optional(),
  reasonText: z.string().optional(),
  product: z.string().optional(),
  touchpoint: z.string().optional(),
  outcome,
  firstContactResolution: z.boolean(),
  agents: z.array(z.string()),
  experts: z.array(z.string()),
  escalated: z.boolean(),
  timeToResolutionMs: z.number().optional(),
  followUps: z.array(z.object({ dueDate: z.string(), note: z.string().optional(), promisedBy: z.string(), overdue: z.boolean() })),
  notes: z.array(z.object({ personId: z.string(), text: z.string() })),
  repeatOf: z.string().optional(),
  repeatedBy: z.string().optional(),
});
/** A customer id, or a caller number when no id is known. */
const keyParams = z.object({ key: z.string().min(1).max(128) });

export const customerRoutes: FastifyPluginAsyncZod<{ history: CustomerHistory }> = async (app, { history }) => {
  app.get(
    '/v1/customers/:key/history',
    {
      preHandler: requireRole('admin', 'supervisor', 'agent', 'expert'),
      schema: {
        tags: ['customers'],
        summary: "Every contact of a customer (by customer id, else caller number), newest first",
        params: keyParams,
        response: { 200: z.object({ customer: z.string(), contacts: z.array(historyEntry) }), ...errorResponses },
      },
    },
    async (request) => ({ customer: request.params.key, contacts: await history.forCustomer(request.params.key) }),
  );

  app.delete(
    '/v1/customers/:key',
    {
      preHandler: requireRole('admin', 'supervisor'),
      schema: {
        tags: ['customers'],
        summary: "Erase a customer's contact history and the cases escalated on those calls (their personal data); report counters keep only counts",
        params: keyParams,
        response: { 200: z.object({ erased: z.number().int(), cases: z.number().int() }), ...errorResponses },
      },
    },
    async (request) => history.forget(request.params.key),
  );
};
