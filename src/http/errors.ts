import type { FastifyError, FastifyInstance } from 'fastify';
import { hasZodFastifySchemaValidationErrors, isResponseSerializationError } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AppError, type ErrorKind } from '../domain/errors';

// One error body everywhere: {error, message, details}. Our own errors map by
// kind; bad input names each field; anything unexpected is a 500 whose
// internals stay in the log.

const STATUS: Record<ErrorKind, number> = {
  invalid: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  unavailable: 503,
};

export const errorBodySchema = z.object({
  error: z.string(),
  message: z.string(),
  details: z.unknown().optional(),
});

export const errorResponses = {
  400: errorBodySchema,
  401: errorBodySchema,
  403: errorBodySchema,
  404: errorBodySchema,
  409: errorBodySchema,
};

function validationDetails(err: FastifyError & { validation: { instancePath: string; message?: string }[] }) {
  const where = err.validationContext ?? 'body';
  return err.validation.map((v) => ({
    field: [where, ...v.instancePath.split('/').filter(Boolean)].join('.'),
    message: v.message ?? 'is invalid',
  }));
}

export function installErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError, request, reply) => {
    if (err instanceof AppError) {
      return reply.code(STATUS[err.kind]).send({ error: err.code, message: err.message, details: err.details });
    }
    if (hasZodFastifySchemaValidationErrors(err)) {
      const details = validationDetails(err);
      return reply.code(400).send({
        error: 'invalid_input',
        message: `invalid request: ${details.map((d) => `${d.field} ${d.message}`).join('; ')}`,
        details,
      });
    }
    if (isResponseSerializationError(err)) {
      request.log.error({ err, issues: err.cause.issues }, 'response does not match its schema');
    }
    const status = err.statusCode && err.statusCode >= 400 && err.statusCode < 500 ? err.statusCode : 500;
    if (status < 500) {
      return reply.code(status).send({ error: err.code?.toLowerCase() ?? 'bad_request', message: err.message });
    }
    if (/Connection is closed|ECONNREFUSED|MaxRetriesPerRequest/.test(err.message)) {
      request.log.error({ err }, 'redis unavailable');
      return reply.code(503).send({ error: 'unavailable', message: 'the data store is unreachable; try again shortly' });
    }
    request.log.error({ err }, 'unhandled error');
    return reply.code(500).send({ error: 'internal', message: 'something went wrong on our side; it has been logged' });
  });

  app.setNotFoundHandler((request, reply) =>
    reply.code(404).send({ error: 'not_found', message: `no route ${request.method} ${request.url.split('?')[0]}` }),
  );
}
