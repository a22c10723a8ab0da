import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { languageSchema, personInputSchema, personPatchSchema, ROLES, skillLevelSchema, skillNameSchema } from '../../domain/person';
import { PRESENCE_STATES } from '../../domain/presence';
import type { DirectoryService } from '../../services/directory-service';
import { requireRole } from '../auth';
import { errorResponses } from '../errors';
import { toPersonView } from '../person-view';
import { idParams, personViewSchema } from '../schemas';

const listQuery = z
  .object({
    role: z.enum(ROLES).optional(),
    skill: skillNameSchema.optional(),
    minLevel: z.coerce.number().pipe(skillLevelSchema).optional(),
    language: languageSchema.optional(),
    state: z.enum(PRESENCE_STATES).optional(),
    available: z.stringbool().optional(),
    access_token: z.string().optional(),
  })
  .strict();

const managers = requireRole('admin', 'supervisor');

/** The directory: agents and experts, under /v1/experts. */
export const peopleRoutes: FastifyPluginAsyncZod<{ directory: DirectoryService }> = async (app, { directory }) => {
  app.get(
    '/v1/experts',
    {
      schema: {
        tags: ['directory'],
        summary: 'List people; with available=true, the free ones, best match first',
        querystring: listQuery,
        response: { 200: z.object({ items: z.array(personViewSchema) }), ...errorResponses },
      },
    },
    async (request) => ({ items: (await directory.list(request.query)).map(toPersonView) }),
  );

  app.post(
    '/v1/experts',
    {
      preHandler: managers,
      schema: {
        tags: ['directory'],
        body: personInputSchema,
        response: { 201: personViewSchema, ...errorResponses },
      },
    },
    async (request, reply) => reply.code(201).send(toPersonView(await directory.create(request.body))),
  );

  app.get(
    '/v1/experts/:id',
    { schema: { tags: ['directory'], params: idParams, response: { 200: personViewSchema, ...errorResponses } } },
    async (request) => toPersonView(await directory.get(request.params.id)),
  );

  app.patch(
    '/v1/experts/:id',
    {
      preHandler: managers,
      schema: { tags: ['directory'], params: idParams, body: personPatchSchema, response: { 200: personViewSchema, ...errorResponses } },
    },
    async (request) => toPersonView(await directory.update(request.params.id, request.body)),
  );

  app.delete(
    '/v1/experts/:id',
    { preHandler: managers, schema: { tags: ['directory'], params: idParams, response: { 204: z.null(), ...errorResponses } } },
    async (request, reply) => {
      await directory.delete(request.params.id);
      return reply.code(204).send(null);
    },
  );
};
