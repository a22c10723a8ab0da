import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { HealthProbe } from '../../services/ports/health';

const dependency = z.object({
  configured: z.boolean(),
  state: z.enum(['connected', 'connecting', 'disconnected', 'not_configured']),
  detail: z.string().optional(),
});
const readiness = z.object({
  ready: z.boolean(),
  dependencies: z.object({ redis: dependency, drachtio: dependency, freeswitch: dependency }),
});

/** /healthz: the process answers. /readyz: every configured dependency is connected. */
export const healthRoutes: FastifyPluginAsyncZod<{ health: HealthProbe }> = async (app, { health }) => {
  app.get(
    '/healthz',
    { config: { public: true }, logLevel: 'warn', schema: { tags: ['health'], response: { 200: z.object({ status: z.literal('ok') }) } } },
    async () => ({ status: 'ok' as const }),
  );

  app.get(
    '/readyz',
    // Probes ask every few seconds; their requests are not worth a log line each.
    { config: { public: true }, logLevel: 'warn', schema: { tags: ['health'], response: { 200: readiness, 503: readiness } } },
    async (_request, reply) => {
      const dependencies = await health.report();
      const ready = Object.values(dependencies).every((d) => !d.configured || d.state === 'connected');
      return reply.code(ready ? 200 : 503).send({ ready, dependencies });
    },
  );
};
