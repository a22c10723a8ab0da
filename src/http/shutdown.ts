import type { Socket } from 'node:net';
import type { FastifyInstance } from 'fastify';

/**
 * server.close() drops only connections idle after a reply; it waits on the
 * rest. A browser keeps both kinds open: one opened ahead of need that never
 * carried a request (it held app.close() past a minute), and one whose reply
 * finishes after close() (kept for reuse: keepAliveTimeout, 72 s). So on
 * close, connections between requests are dropped, and later replies close
 * theirs.
 */
export function closeConnectionsOnClose(app: FastifyInstance): void {
  let closing = false;
  const idle = new Set<Socket>();
  app.server.on('connection', (socket: Socket) => {
    idle.add(socket);
    socket.once('close', () => idle.delete(socket));
  });
  app.server.on('request', (request, response) => {
    const socket = request.socket;
    idle.delete(socket);
    response.once('finish', () => {
      if (!closing && !socket.destroyed) idle.add(socket);
    });
  });
  app.addHook('preClose', (done) => {
    closing = true;
    for (const socket of idle) socket.destroy();
    done();
  });
  app.addHook('onSend', async (_request, reply) => {
    if (closing) reply.header('connection', 'close');
  });
}
