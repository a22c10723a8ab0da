import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

declare module 'fastify' {
  interface FastifyInstance {
    /** Ends every open event stream (shutdown). */
    eventStreams: Set<() => void>;
  }
}

/** Open streams would hold app.close() until every browser goes away: end them first. */
export function endEventStreamsOnClose(app: FastifyInstance): void {
  app.decorate('eventStreams', new Set<() => void>());
  app.addHook('preClose', (done) => {
    for (const end of app.eventStreams) end();
    done();
  });
}

/**
 * What the live channels carried while Redis was away never reached this
 * instance's streams: each is ended then, and its client opens it again and
 * starts over (the console reloads what it shows; the event stream replays
 * from Last-Event-ID; the presence stream sends a fresh snapshot).
 */
export function endEventStreamsOnResume(app: FastifyInstance, onResumed: (listener: () => void) => () => void): void {
  const stop = onResumed(() => {
    if (app.eventStreams.size === 0) return;
    app.log.warn({ streams: app.eventStreams.size }, 'live channels back after a lost Redis connection: ending the open event streams so their clients start over');
    for (const end of app.eventStreams) end();
  });
  app.addHook('onClose', (_app, done) => {
    stop();
    done();
  });
}

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
  const streams = request.server.eventStreams;
  const close = () => {
    if (closed) return;
    closed = true;
    clearInterval(keepAlive);
    streams.delete(end);
    onClose();
  };
  const end = () => {
    close();
    raw.end();
  };
  streams.add(end);
  request.raw.on('close', close);
  return {
    send(event: string, data: unknown, id?: string) {
      if (closed) return;
      raw.write(`${id ? `id: ${id}\n` : ''}event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
    },
    end,
  };
}
