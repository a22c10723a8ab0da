import type { Logger } from 'pino';
import type { PhoneBinding } from '../domain/person';
import type { Registration, RegistrarHandlers } from '../services/ports/telephony';
import type { ParsedRegistration, SipMiddleware, SipRequest, SipResponse } from './drachtio-api';
import { errorText } from './errors';
import { natAddressOf, reachableContact, type SipSource } from './nat-contact';
import { userOf } from './sip-uri';

/** Registrations longer than this are shortened; the phone re-registers sooner. */
export const MAX_EXPIRES_SEC = 3600;
/**
 * Shorter ones are refused with 423 and this Min-Expires (RFC 3261 10.3): a
 * phone that lets its binding lapse within seconds would flap its owner's
 * presence and spend a REGISTER every few seconds; it retries with this.
 */
export const MIN_EXPIRES_SEC = 60;

export type RegistrarDecision =
  | { kind: 'register'; registration: Registration }
  /** '*': the wildcard (Contact: *), every contact of the user. */
  | { kind: 'unregister'; user: string; contacts: Unbinding[] | '*' }
  | { kind: 'refuse'; status: number; reason: string; headers?: Record<string, string> };

/** A contact to un-register; natAddress: the public address a phone behind NAT sent it from (see nat-contact.ts). */
export interface Unbinding {
  contact: string;
  natAddress: string | undefined;
}

export interface RegisterRequest {
  registration: ParsedRegistration | undefined;
  /** Who passed digest authentication. */
  authenticatedUser: string | undefined;
  userAgent?: string;
  source?: SipSource;
}

/**
 * What to do with an authenticated REGISTER. The digest middleware checks the
 * password of whichever user authenticated, so the AOR's user must be that user:
 * otherwise anyone with an account could take over someone else's calls.
 */
export function decideRegistration({ registration, authenticatedUser, userAgent, source }: RegisterRequest): RegistrarDecision {
  if (!registration) return { kind: 'refuse', status: 400, reason: 'Bad Request' };
  const user = userOf(registration.aor);
  if (!user) return { kind: 'refuse', status: 400, reason: 'No user in the To header' };
  if (user !== authenticatedUser) return { kind: 'refuse', status: 403, reason: 'Forbidden' };
  const contacts = registration.contact.map((contact) => contact.uri).filter(Boolean);
  if (registration.type === 'unregister') {
    if (contacts.includes('*')) return { kind: 'unregister', user, contacts: '*' };
    return { kind: 'unregister', user, contacts: contacts.map((contact) => ({ contact, natAddress: natAddressOf(contact, source) })) };
  }
  const contact = contacts[0];
  if (!contact || contact === '*') return { kind: 'refuse', status: 400, reason: 'Bad Contact' };
  const instance = registration.contact[0]?.params?.['+sip.instance'];
  // drachtio's parser takes parseInt of the header: garbage is NaN, and a sign gets through.
  if (!Number.isInteger(registration.expires) || registration.expires < 0) return { kind: 'refuse', status: 400, reason: 'Bad Expires' };
  if (registration.expires < MIN_EXPIRES_SEC) {
    return { kind: 'refuse', status: 423, reason: 'Interval Too Brief', headers: { 'Min-Expires': String(MIN_EXPIRES_SEC) } };
  }
  const reachable = reachableContact(contact, source);
  const result: Registration = { user, contact: reachable, expiresSec: Math.min(registration.expires, MAX_EXPIRES_SEC) };
  if (reachable !== contact) result.phoneContact = contact;
  if (instance) result.instance = instance.replace(/^"|"$/g, '');
  if (userAgent) result.userAgent = userAgent;
  return { kind: 'register', registration: result };
}

/**
 * In front of drachtio's REGISTER parser, which refuses (400) a REGISTER that
 * names no expiry. Such a phone leaves the choice to the registrar (RFC 3261
 * 10.2.1.1): it gets the longest we allow.
 */
export const defaultExpires: SipMiddleware = (req, _res, next) => {
  const contactExpires = req.has('Contact') && req.getParsedHeader('Contact').some((contact) => contact.params?.expires != null);
  if (!req.has('Expires') && !contactExpires) req.set('Expires', String(MAX_EXPIRES_SEC));
  next();
};

/**
 * The 200's Contact: every phone the user has registered (RFC 3261 10.3), the
 * one registering as it registered itself (wherever its INVITEs go), since
 * phones look for their own binding there; the others as we dial them.
 */
export function bindingsHeader(registration: Registration, phones: readonly PhoneBinding[], nowMs = Date.now()): string {
  const own = `<${registration.phoneContact ?? registration.contact}>;expires=${registration.expiresSec}`;
  const others = phones
    .filter((phone) => phone.contact !== registration.contact)
    .map((phone) => `<${phone.contact}>;expires=${Math.max(0, Math.round((phone.expiresMs - nowMs) / 1000))}`);
  return [own, ...others].join(', ');
}

/** The last middleware of the REGISTER chain: after the parser and digest authentication. */
export function registrarHandler(handlers: RegistrarHandlers, log: Logger): SipMiddleware {
  return (req, res) => {
    void handleRegister(req, res, handlers, log);
  };
}

async function handleRegister(req: SipRequest, res: SipResponse, handlers: RegistrarHandlers, log: Logger): Promise<void> {
  try {
    const decision = decideRegistration({
      registration: req.registration,
      authenticatedUser: req.authorization?.username,
      userAgent: req.get('User-Agent'),
      source: { address: req.source_address, port: req.source_port, protocol: req.protocol },
    });
    switch (decision.kind) {
      case 'refuse':
        log.info({ status: decision.status, user: req.authorization?.username }, 'REGISTER refused');
        res.send(decision.status, decision.reason, { headers: decision.headers });
        return;
      case 'unregister':
        if (decision.contacts === '*') await handlers.onUnregister(decision.user);
        else for (const { contact, natAddress } of decision.contacts) await handlers.onUnregister(decision.user, contact, natAddress);
        log.info({ user: decision.user }, 'unregistered');
        res.send(200);
        return;
      case 'register': {
        const { contact, phoneContact, expiresSec, user } = decision.registration;
        const phones = await handlers.onRegister(decision.registration);
        log.debug({ user, expiresSec, contact, phoneContact, phones: phones.length }, 'registered');
        res.send(200, { headers: { Contact: bindingsHeader(decision.registration, phones), Expires: String(expiresSec) } });
        return;
      }
    }
  } catch (err) {
    log.error({ err: errorText(err) }, 'registrar handler failed');
    if (!res.finalResponseSent) res.send(500);
  }
}
