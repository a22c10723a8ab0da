import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { UnauthorizedError } from '../../domain/errors';
import type { ServiceMetrics } from '../../services/metrics/service-metrics';

/**
 * Prometheus exposition at /metrics, and the latency of every request. Public
 * unless METRICS_TOKEN is set; then it takes that bearer token (not an API token).
 */
export const metricsPlugin = fp(
  async (app: FastifyInstance, opts: { metrics: ServiceMetrics; token?: string }) => {
    const { metrics, token } = opts;
    app.addHook('onResponse', async (request, reply) => {
      const route = request.routeOptions.url ?? 'unmatched';
      if (route === '/metrics') return;
      metrics.httpDuration.observe(
        { method: request.method, route, status_code: String(reply.statusCode) },
        reply.elapsedTime / 1000,
      );
    });

    app.get('/metrics', { config: { public: true }, logLevel: 'warn', schema: { tags: ['health'], hide: true } }, async (request, reply) => {
      if (token && request.headers.authorization !== `Bearer ${token}`) {
        throw new UnauthorizedError('/metrics needs the METRICS_TOKEN as a bearer token');
      }
      return reply.header('content-type', metrics.registry.contentType).send(await metrics.registry.metrics());
    });
  },
  { name: 'metrics' },
);
