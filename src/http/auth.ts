import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { ForbiddenError, UnauthorizedError } from '../domain/errors';
import { type Principal, type PrincipalRole, isStaffManager } from '../domain/principal';

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal;
  }
  interface FastifyContextConfig {
    /** Routes that need no token (health, docs). */
    public?: boolean;
  }
}

// Tokens are looked up by their SHA-256 so a lookup's timing says nothing
// about how much of a guessed token was right.
const digest = (token: string) => createHash('sha256').update(token).digest('hex');

export class TokenRegistry {
  private readonly byDigest: Map<string, Principal>;

  constructor(entries: readonly ({ token: string } & Principal)[]) {
    this.byDigest = new Map(entries.map(({ token, ...principal }) => [digest(token), principal]));
  }

  lookup(token: string): Principal | undefined {
    return this.byDigest.get(digest(token));
  }
}

export const authPlugin = fp(
  async (app: FastifyInstance, opts: { tokens: TokenRegistry }) => {
    app.decorateRequest('principal', undefined as unknown as Principal);
    app.addHook('onRequest', async (request) => {
      if (request.routeOptions.config?.public || request.url.startsWith('/docs')) return;
      // EventSource cannot set headers, so the streams also take ?access_token=.
      const header = request.headers.authorization;
      const fromQuery = (request.query as Record<string, unknown> | undefined)?.access_token;
      const token = header?.startsWith('Bearer ') ? header.slice(7).trim() : typeof fromQuery === 'string' ? fromQuery : undefined;
      if (!token) throw new UnauthorizedError('a bearer token is required (Authorization: Bearer <token>)');
      const principal = opts.tokens.lookup(token);
      if (!principal) throw new UnauthorizedError('the token is not known');
      request.principal = principal;
    });
  },
  { name: 'auth' },
);

/** preHandler: only these roles may call the route. */
export const requireRole =
  (...roles: PrincipalRole[]) =>
  async (request: FastifyRequest) => {
    if (!roles.includes(request.principal.role)) {
      throw new ForbiddenError(`this needs the role ${roles.join(' or ')}; the token's role is ${request.principal.role}`);
    }
  };

/** Staff managers act on anyone; everyone else only on their own person. */
export function requireSelfOrManager(request: FastifyRequest, personId: string, what: string): 'self' | 'supervisor' {
  if (isStaffManager(request.principal)) return request.principal.personId === personId ? 'self' : 'supervisor';
  if (request.principal.personId === personId) return 'self';
  throw new ForbiddenError(`${request.principal.role} tokens may ${what}`);
}
