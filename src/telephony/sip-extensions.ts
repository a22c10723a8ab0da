import type { SipRequest } from './drachtio-api';

/**
 * The SIP extensions a caller may require of us: session timers (RFC 4028;
 * drachtio-server runs them, our 200s carry them), and 100rel (RFC 3262), as
 * we send no provisional response it would make reliable.
 */
const SUPPORTED = new Set(['timer', '100rel']);

/**
 * The option tags of a request's Require that we lack. An INVITE naming any
 * (preconditions, Replaces …) gets 420 Bad Extension with them in Unsupported
 * (RFC 3261 8.2.2.3), instead of a 200 that ignores what the caller relies on.
 */
export function unsupportedExtensions(req: Pick<SipRequest, 'get'>): string[] {
  const required = (req.get('Require') ?? '').split(',').map((tag) => tag.trim().toLowerCase());
  return required.filter((tag) => tag !== '' && !SUPPORTED.has(tag));
}
