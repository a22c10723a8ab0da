import type { FastifyReply, FastifyRequest } from 'fastify';

/**
 * Turns the reply into a server-sent event stream. Sends a comment every
 * 15 s so proxies keep the connection open, and calls `onClose` once when
 * the client goes away.
 */
export function openEventStream(request: FastifyRequest, reply: FastifyReply, onClose: () => void) {
  reply.hijack();
  const raw = reply.raw;
  raw.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache, no-transform',
    connection: 'keep-alive',
    'x-accel-buffering': 'no',
  });
  raw.write(': connected\n\n');
  const keepAlive = setInterval(() => raw.write(': keep-alive\n\n'), 15_000);
  let closed = false;
  const close = () => {
    if (closed) return;
    closed = true;
    clearInterval(keepAlive);
    onClose();
  };
  request.raw.on('close', close);
  return {
    send(event: string, data: unknown, id?: string) {
      if (closed) return;
      raw.write(`${id ? `id: ${id}\n` : ''}event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
    },
    end() {
      close();
      raw.end();
    },
  };
}
