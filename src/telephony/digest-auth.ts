import { createHash, timingSafeEqual } from 'node:crypto';
import type { Logger } from 'pino';
import { sipUserSchema } from '../domain/person';
import type { FailedLoginCounter } from '../services/ports/telephony';
import type { SipMiddleware, SipRequest, SipResponse } from './drachtio-api';

// Digest authentication of desk phones' REGISTERs (RFC 2617, MD5 with
// qop=auth, as phones speak it). Each nonce carries its time and a hash of
// what it was issued for: the REGISTER's Contact and source address. So a
// captured Authorization header works only for the contact it was made for
// (no one can register their own address with it) and only for nonceTtlMs,
// with nothing to share between instances.

export interface DigestAuthOptions {
  /** What the challenges name; phones hash their password with it. */
  realm: string;
  passwordFor(user: string): Promise<string | undefined>;
  failedLogins: FailedLoginCounter;
  log: Logger;
  nonceTtlMs?: number;
  now?: () => number;
}

const DEFAULT_NONCE_TTL_MS = 300_000;

export interface DigestCredentials {
  username: string;
  realm: string;
  nonce: string;
  uri: string;
  response: string;
  qop?: string;
  nc?: string;
  cnonce?: string;
}

/** The parameters of an Authorization header (`Digest username="ana", …`); undefined when one we need is missing. */
export function parseDigest(header: string): DigestCredentials | undefined {
  const match = /^\s*Digest\s+(.*)$/is.exec(header);
  if (!match?.[1]) return undefined;
  const params: Record<string, string> = {};
  for (const [, name, quoted, bare] of match[1].matchAll(/([a-z-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]*))/gi)) {
    params[(name as string).toLowerCase()] = quoted ?? bare ?? '';
  }
  const { username, realm, nonce, uri, response, qop, nc, cnonce } = params;
  if (!username || realm === undefined || !nonce || !uri || !response) return undefined;
  if (params.algorithm && params.algorithm.toUpperCase() !== 'MD5') return undefined;
  return { username, realm, nonce, uri, response, qop, nc, cnonce };
}

const md5 = (...parts: string[]) => createHash('md5').update(parts.join(':')).digest('hex');
const bindingHash = (issuedAt: string, binding: string) => createHash('sha256').update(`${issuedAt}|${binding}`).digest('hex').slice(0, 32);

/** A nonce for this binding (Contact and source address), issued now. */
export function issueNonce(binding: string, nowMs: number): string {
  const issuedAt = nowMs.toString(36);
  return `${issuedAt}.${bindingHash(issuedAt, binding)}`;
}

/** How old the nonce is, if it was issued for this binding; undefined if not. */
export function nonceAge(nonce: string, binding: string, nowMs: number): number | undefined {
  const [issuedAt, hash] = nonce.split('.');
  if (!issuedAt || !hash || hash !== bindingHash(issuedAt, binding)) return undefined;
  return nowMs - parseInt(issuedAt, 36);
}

/** The response a phone that knows the password computes. */
export function expectedResponse(credentials: DigestCredentials, method: string, password: string): string {
  const ha1 = md5(credentials.username, credentials.realm, password);
  const ha2 = md5(method, credentials.uri);
  return credentials.qop
    ? md5(ha1, credentials.nonce, credentials.nc ?? '', credentials.cnonce ?? '', credentials.qop, ha2)
    : md5(ha1, credentials.nonce, ha2);
}

const sameText = (a: string, b: string) => a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));

/** Sets req.authorization ({username, realm}) for the handlers after it, or answers 401/403 itself. */
export function digestAuth(options: DigestAuthOptions): SipMiddleware {
  const ttl = options.nonceTtlMs ?? DEFAULT_NONCE_TTL_MS;
  const now = options.now ?? Date.now;
  return (req, res, next) => {
    void authenticate(req, res, next, options, ttl, now()).catch((err: unknown) => {
      options.log.error({ err }, 'digest authentication failed');
      if (!res.finalResponseSent) res.send(500);
    });
  };
}

async function authenticate(req: SipRequest, res: SipResponse, next: () => void, options: DigestAuthOptions, ttl: number, nowMs: number): Promise<void> {
  const address = req.source_address;
  const realm = options.realm;
  const binding = `${address}|${req.get('Contact') ?? ''}`;
  const challenge = (stale: boolean) =>
    res.send(401, {
      headers: {
        'WWW-Authenticate': `Digest realm="${realm}", algorithm=MD5, qop="auth", nonce="${issueNonce(binding, nowMs)}"${stale ? ', stale=true' : ''}`,
      },
    });
  const header = req.get('Authorization');
  const credentials = header ? parseDigest(header) : undefined;
  if (await options.failedLogins.blocked(address, credentials?.username)) {
    res.send(403, 'Too Many Failed Logins');
    return;
  }
  // None, or an answer to another registrar's challenge: ask.
  if (!credentials || credentials.realm !== realm) return challenge(false);
  const age = nonceAge(credentials.nonce, binding, nowMs);
  // Not ours, or made for another contact (a replay): ask again, as for a first try.
  if (age === undefined || age < 0) return challenge(false);
  if (age > ttl) return challenge(true);

  // A name no desk user could have is not looked up: it is a wrong login like any other.
  const password = sipUserSchema.safeParse(credentials.username).success ? await options.passwordFor(credentials.username) : undefined;
  // An unknown user gets what a wrong password gets: nothing tells the two apart.
  if (!password || !sameText(expectedResponse(credentials, req.method, password), credentials.response.toLowerCase())) {
    const blocked = await options.failedLogins.failed(address, credentials.username);
    if (blocked) options.log.warn({ address, user: credentials.username, blocked }, 'too many wrong passwords: refusing REGISTERs from there for a while');
    res.send(403);
    return;
  }
  await options.failedLogins.succeeded(address, credentials.username);
  req.authorization = { username: credentials.username, realm: credentials.realm };
  next();
}
