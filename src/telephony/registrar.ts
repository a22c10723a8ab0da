import type { Logger } from 'pino';
import type { Registration, RegistrarHandlers } from '../services/ports/telephony';
import type { ParsedRegistration, SipMiddleware, SipRequest, SipResponse } from './drachtio-api';
import { errorText } from './errors';
import { userOf } from './sip-uri';

/** Registrations longer than this are shortened; the phone re-registers sooner. */
export const MAX_EXPIRES_SEC = 3600;

export type RegistrarDecision =
  | { kind: 'register'; registration: Registration }
  | { kind: 'unregister'; user: string; contacts: string[] }
  | { kind: 'refuse'; status: number; reason: string };

/**
 * What to do with an authenticated REGISTER. The digest middleware checks the
 * password of whichever user authenticated, so the AOR's user must be that user:
 * otherwise anyone with an account could take over someone else's calls.
 */
export function decideRegistration(
  registration: ParsedRegistration | undefined,
  authenticatedUser: string | undefined,
  userAgent?: string,
): RegistrarDecision {
  if (!registration) return { kind: 'refuse', status: 400, reason: 'Bad Request' };
  const user = userOf(registration.aor);
  if (!user) return { kind: 'refuse', status: 400, reason: 'No user in the To header' };
  if (user !== authenticatedUser) return { kind: 'refuse', status: 403, reason: 'Forbidden' };
  const contacts = registration.contact.map((contact) => contact.uri).filter(Boolean);
  if (registration.type === 'unregister') return { kind: 'unregister', user, contacts };
  const contact = contacts[0];
  if (!contact || contact === '*') return { kind: 'refuse', status: 400, reason: 'Bad Contact' };
  const result: Registration = { user, contact, expiresSec: Math.min(registration.expires, MAX_EXPIRES_SEC) };
  if (userAgent) result.userAgent = userAgent;
  return { kind: 'register', registration: result };
}

/** The last middleware of the REGISTER chain: after the parser and digest authentication. */
export function registrarHandler(handlers: RegistrarHandlers, log: Logger): SipMiddleware {
  return (req, res) => {
    void handleRegister(req, res, handlers, log);
  };
}

async function handleRegister(req: SipRequest, res: SipResponse, handlers: RegistrarHandlers, log: Logger): Promise<void> {
  const decision = decideRegistration(req.registration, req.authorization?.username, req.get('User-Agent'));
  try {
    switch (decision.kind) {
      case 'refuse':
        log.info({ status: decision.status, user: req.authorization?.username }, 'REGISTER refused');
        res.send(decision.status, decision.reason);
        return;
      case 'unregister':
        for (const contact of decision.contacts) await handlers.onUnregister(decision.user, contact);
        log.info({ user: decision.user }, 'unregistered');
        res.send(200);
        return;
      case 'register': {
        const { contact, expiresSec, user } = decision.registration;
        await handlers.onRegister(decision.registration);
        log.debug({ user, expiresSec }, 'registered');
        res.send(200, { headers: { Contact: `<${contact}>;expires=${expiresSec}`, Expires: String(expiresSec) } });
        return;
      }
    }
  } catch (err) {
    log.error({ err: errorText(err) }, 'registrar handler failed');
    if (!res.finalResponseSent) res.send(500);
  }
}
