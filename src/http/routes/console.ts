import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyPluginAsync } from 'fastify';

// The bundle `npm run build:web` writes. From src/http/routes (tests, tsx) and
// from dist/http/routes (production) alike, three folders up is the package root.
export const CONSOLE_ROOT = resolve(__dirname, '..', '..', '..', 'dist', 'web');

// The page loads nothing from elsewhere; only people's photos may live on
// another host.
const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "img-src 'self' data: https: http:",
  "style-src 'self'",
  "script-src 'self'",
  "connect-src 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'self'",
].join('; ');

/** The browser console under /console: static files, signed in with an API token by the page itself. */
export const consoleRoutes: FastifyPluginAsync<{ root?: string }> = async (app, opts) => {
  const root = opts.root ?? CONSOLE_ROOT;
  // The files are public; every API call the page makes carries the token.
  app.addHook('onRoute', (route) => {
    route.config = { ...route.config, public: true };
  });
  app.addHook('onSend', async (_request, reply) => {
    reply.header('content-security-policy', CONTENT_SECURITY_POLICY);
    reply.header('x-content-type-options', 'nosniff');
  });

  app.get('/console', { schema: { hide: true } }, (_request, reply) => reply.redirect('/console/'));

  if (!existsSync(join(root, 'index.html'))) {
    app.get('/console/*', { schema: { hide: true } }, (_request, reply) =>
      reply.code(503).send({ error: 'unavailable', message: 'the console is not built: run `npm run build` (or `npm run build:web`)' }),
    );
    return;
  }
  await app.register(fastifyStatic, { root, prefix: '/console/', decorateReply: false, cacheControl: false });
};
