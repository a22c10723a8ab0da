import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { NotFoundError } from '../../domain/errors';
import { PRINCIPAL_ROLES } from '../../domain/principal';
import type { DirectoryService } from '../../services/directory-service';
import { errorResponses } from '../errors';

const sessionView = z.object({
  role: z.enum(PRINCIPAL_ROLES),
  personId: z.string().optional(),
  /** From the directory; absent when the token's person is not (yet) in it. */
  displayName: z.string().optional(),
});

/** Who the token belongs to: the console signs in with a token and asks this. */
export const sessionRoutes: FastifyPluginAsyncZod<{ directory: DirectoryService }> = async (app, { directory }) => {
  app.get(
    '/v1/session',
    { schema: { tags: ['session'], summary: "The token's role and person", response: { 200: sessionView, ...errorResponses } } },
    async (request) => {
      const { role, personId } = request.principal;
      if (!personId) return { role };
      const displayName = await directory.get(personId).then(
        (record) => record.person.displayName,
        (err: unknown) => {
          if (err instanceof NotFoundError) return undefined;
          throw err;
        },
      );
      return { role, personId, displayName };
    },
  );
};
