import { hostOf, withHostOf } from './sip-uri';

/** Where a request came from, as drachtio saw it. */
export interface SipSource {
  address: string;
  port: number;
  /** "udp", "tcp", "tls", "ws" … */
  protocol: string;
}

// The IPv4 ranges a phone behind NAT finds itself in: RFC 1918, shared
// address space (RFC 6598, carrier NAT) and link-local.
const PRIVATE_IPV4 = [/^10\./, /^172\.(1[6-9]|2\d|3[01])\./, /^192\.168\./, /^100\.(6[4-9]|[7-9]\d|1[01]\d|12[0-7])\./, /^169\.254\./];

/**
 * Where to send a registered phone its INVITEs. A phone behind NAT (a home
 * office's, say) registers the private address it knows itself by, which
 * nobody outside can reach; its REGISTERs arrive from the NAT's public
 * address, whose mapping the phone keeps open by registering again. So when
 * the contact's host is a private address other than the REGISTER's source,
 * the INVITEs go to that source instead. Only over UDP: over TCP or TLS the
 * source port is the connection's, not one the phone listens on.
 */
export function reachableContact(contact: string, source: SipSource | undefined): string {
  const address = natAddressOf(contact, source);
  return address && source ? withHostOf(contact, `${address}:${source.port}`) : contact;
}

/**
 * The NAT's public address, as it stands in the contact we dial, when the
 * contact is a phone's private one (see reachableContact); else undefined.
 */
export function natAddressOf(contact: string, source: SipSource | undefined): string | undefined {
  if (source?.protocol.toLowerCase() !== 'udp') return undefined;
  const host = hostOf(contact)?.replace(/:\d+$/, '');
  if (!host || host === source.address || !PRIVATE_IPV4.some((range) => range.test(host))) return undefined;
  return source.address.includes(':') ? `[${source.address}]` : source.address;
}
