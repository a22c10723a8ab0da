import type { Logger } from 'pino';
import { z } from 'zod';
import { type PhoneBinding, registeredContactSchema, sipInstanceSchema } from '../domain/person';
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

/**
 * Past this, a REGISTER is refused: each contact costs a script in Redis, and
 * a user keeps only a few phones anyway (the store drops the soonest to lapse).
 */
export const MAX_CONTACTS_PER_REGISTER = 10;

export type RegistrarDecision =
  /** Bindings to save and contacts to un-register (expires=0), as one REGISTER may do both (RFC 3261 10.3). */
  | { kind: 'update'; user: string; bindings: Registration[]; unbindings: Unbinding[] }
  /** The wildcard (Contact: *, Expires: 0): every phone of the user. */
  | { kind: 'unregister_all'; user: string }
  | { kind: 'refuse'; status: number; reason: string; headers?: Record<string, string> };

/** A contact to un-register; natAddress: the public address a phone behind NAT sent it from (see nat-contact.ts). */
export interface Unbinding {
  contact: string;
  natAddress: string | undefined;
}

export interface RegisterRequest {
  registration: ParsedRegistration | undefined;
  /** The Expires header: the expiry of each contact that names none (defaultExpires sees that there is one). */
  expiresHeader?: string;
  /** Who passed digest authentication. */
  authenticatedUser: string | undefined;
  userAgent?: string;
  source?: SipSource;
}

type Refusal = Extract<RegistrarDecision, { kind: 'refuse' }>;
const badRequest = (reason: string): Refusal => ({ kind: 'refuse', status: 400, reason });

/** delta-seconds (RFC 3261 25.1): digits only; drachtio's parseInt would take "60abc" and "-5". */
const deltaSecondsSchema = z.string().trim().regex(/^\d{1,10}$/).transform(Number);

function secondsOf(value: string | null | undefined): number | undefined {
  const seconds = deltaSecondsSchema.safeParse(value);
  return seconds.success ? seconds.data : undefined;
}

/**
 * What to do with an authenticated REGISTER. The digest middleware checks the
 * password of whichever user authenticated, so the AOR's user must be that user:
 * otherwise anyone with an account could take over someone else's calls. Each
 * contact counts with its own expiry (its expires parameter, else the Expires
 * header); one that is wrong refuses the whole request, so nothing half-applies.
 */
export function decideRegistration({ registration, expiresHeader, authenticatedUser, userAgent, source }: RegisterRequest): RegistrarDecision {
  if (!registration) return badRequest('Bad Request');
  const user = userOf(registration.aor);
  if (!user) return badRequest('No user in the To header');
  if (user !== authenticatedUser) return { kind: 'refuse', status: 403, reason: 'Forbidden' };
  const defaultSec = expiresHeader === undefined ? MAX_EXPIRES_SEC : secondsOf(expiresHeader);
  if (registration.contact.some((contact) => contact.uri === '*')) {
    // RFC 3261 10.3 step 6: the wildcard stands alone, and only to remove.
    return registration.contact.length === 1 && defaultSec === 0 ? { kind: 'unregister_all', user } : badRequest('Contact * Needs Expires 0 And No Other Contact');
  }
  if (registration.contact.length === 0) return badRequest('Bad Contact');
  if (registration.contact.length > MAX_CONTACTS_PER_REGISTER) return badRequest('Too Many Contacts');

  const bindings: Registration[] = [];
  const unbindings: Unbinding[] = [];
  for (const { uri, params } of registration.contact) {
    const contact = registeredContactSchema.safeParse(uri);
    if (!contact.success) return badRequest('Bad Contact');
    const expires = params?.expires == null ? defaultSec : secondsOf(params.expires);
    if (expires === undefined) return badRequest('Bad Expires');
    if (expires === 0) {
      unbindings.push({ contact: contact.data, natAddress: natAddressOf(contact.data, source) });
      continue;
    }
    if (expires < MIN_EXPIRES_SEC) {
      return { kind: 'refuse', status: 423, reason: 'Interval Too Brief', headers: { 'Min-Expires': String(MIN_EXPIRES_SEC) } };
    }
    const quotedInstance = params?.['+sip.instance'];
    const instance = quotedInstance == null ? undefined : sipInstanceSchema.safeParse(quotedInstance.replace(/^"|"$/g, ''));
    if (instance && !instance.success) return badRequest('Bad +sip.instance');
    const reachable = reachableContact(contact.data, source);
    const binding: Registration = { user, contact: reachable, expiresSec: Math.min(expires, MAX_EXPIRES_SEC) };
    if (reachable !== contact.data) binding.phoneContact = contact.data;
    if (instance) binding.instance = instance.data;
    if (userAgent) binding.userAgent = userAgent;
    bindings.push(binding);
  }
  return { kind: 'update', user, bindings, unbindings };
}

/**
 * In front of drachtio's REGISTER parser, which refuses (400) a REGISTER whose
 * first contact names no expiry when there is no Expires header. Such a phone
 * leaves the choice to the registrar (RFC 3261 10.2.1.1): it gets the longest
 * we allow, as does any other contact of the request that names none.
 */
export const defaultExpires: SipMiddleware = (req, _res, next) => {
  if (!req.has('Expires')) req.set('Expires', String(MAX_EXPIRES_SEC));
  next();
};

/**
 * The 200's Contact: every phone the user has now (RFC 3261 10.3). Those this
 * REGISTER bound, as each registered itself (wherever its INVITEs go), since
 * phones look for their own binding there; the others as we dial them.
 */
export function bindingsHeader(bound: readonly Registration[], phones: readonly PhoneBinding[], nowMs = Date.now()): string {
  const isBound = (phone: PhoneBinding) => bound.some((binding) => binding.contact === phone.contact);
  const own = bound
    .filter((binding) => phones.some((phone) => phone.contact === binding.contact))
    .map((binding) => `<${binding.phoneContact ?? binding.contact}>;expires=${binding.expiresSec}`);
  const others = phones
    .filter((phone) => !isBound(phone))
    .map((phone) => `<${phone.contact}>;expires=${Math.max(0, Math.round((phone.expiresMs - nowMs) / 1000))}`);
  return [...own, ...others].join(', ');
}

/**
 * A REGISTER without Contact asks which phones the user has (RFC 3261
 * 10.2.3): after digest authentication, and before drachtio's parser, which
 * would refuse it (400), the 200 lists them.
 */
export function bindingsQuery(handlers: Pick<RegistrarHandlers, 'phonesOf'>, log: Logger): SipMiddleware {
  return (req, res, next) => {
    if (req.has('Contact')) {
      next();
      return;
    }
    void answerQuery(req, res, handlers).catch((err: unknown) => {
      log.error({ err: errorText(err) }, 'bindings query failed');
      if (!res.finalResponseSent) res.send(500);
    });
  };
}

async function answerQuery(req: SipRequest, res: SipResponse, handlers: Pick<RegistrarHandlers, 'phonesOf'>): Promise<void> {
  const user = userOf(req.getParsedHeader('To').uri);
  if (!user || user !== req.authorization?.username) {
    res.send(403);
    return;
  }
  const phones = await handlers.phonesOf(user);
  res.send(200, { headers: phones.length > 0 ? { Contact: bindingsHeader([], phones) } : {} });
}

/** The last middleware of the REGISTER chain: after the parser and digest authentication. */
export function registrarHandler(handlers: RegistrarHandlers, log: Logger): SipMiddleware {
  return (req, res) => {
    void handleRegister(req, res, handlers, log);
  };
}

/**
 * Saves the new bindings before removing the others: a phone that moves its
 * binding in one REGISTER never leaves its owner without a phone, which would
 * flip their presence to offline and back.
 */
async function applyUpdate(handlers: RegistrarHandlers, decision: Extract<RegistrarDecision, { kind: 'update' }>): Promise<PhoneBinding[]> {
  let phones: PhoneBinding[] = [];
  for (const binding of decision.bindings) phones = await handlers.onRegister(binding);
  for (const { contact, natAddress } of decision.unbindings) phones = await handlers.onUnregister(decision.user, contact, natAddress);
  return phones;
}

async function handleRegister(req: SipRequest, res: SipResponse, handlers: RegistrarHandlers, log: Logger): Promise<void> {
  try {
    const decision = decideRegistration({
      registration: req.registration,
      expiresHeader: req.get('Expires'),
      authenticatedUser: req.authorization?.username,
      userAgent: req.get('User-Agent'),
      source: { address: req.source_address, port: req.source_port, protocol: req.protocol },
    });
    switch (decision.kind) {
      case 'refuse':
        log.info({ status: decision.status, reason: decision.reason, user: req.authorization?.username }, 'REGISTER refused');
        res.send(decision.status, decision.reason, { headers: decision.headers });
        return;
      case 'unregister_all':
        await handlers.onUnregister(decision.user);
        log.info({ user: decision.user }, 'unregistered every phone');
        res.send(200);
        return;
      case 'update': {
        const phones = await applyUpdate(handlers, decision);
        const { user, bindings, unbindings } = decision;
        log.debug({ user, bound: bindings.map((b) => b.contact), unbound: unbindings.map((u) => u.contact), phones: phones.length }, 'bindings updated');
        const headers: Record<string, string> = {};
        if (phones.length > 0) headers.Contact = bindingsHeader(bindings, phones);
        // For phones that read the header rather than their Contact's expires.
        if (bindings.length === 1) headers.Expires = String(bindings[0]?.expiresSec);
        res.send(200, { headers });
        return;
      }
    }
  } catch (err) {
    log.error({ err: errorText(err) }, 'registrar handler failed');
    if (!res.finalResponseSent) res.send(500);
  }
}
