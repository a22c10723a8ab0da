import type { FastifyInstance } from 'fastify';

/**
 * server.close() drops only the connections idle at that moment. A reply
 * that finishes later leaves its keep-alive connection open, and a browser
 * keeps it for reuse: close() then waits keepAliveTimeout (72 s). While
 * closing, every reply closes its connection instead.
 */
export function closeConnectionsAfterReplyOnClose(app: FastifyInstance): void {
  let closing = false;
  app.addHook('preClose', (done) => {
    closing = true;
    done();
  });
  app.addHook('onSend', async (_request, reply) => {
    if (closing) reply.header('connection', 'close');
  });
}
