import { BlockList, isIP } from 'node:net';
import type { Config } from '../config/schema';
import { callerIdSchema } from '../domain/contact';
import type { SipRequest } from './drachtio-api';
import { userOf } from './sip-uri';

/** What a caller who withholds their number, or sends none we can read, shows as. */
export const WITHHELD = 'anonymous';

/** The addresses and subnets that may assert callers' identities. */
export function trustedPeerList(peers: Config['calls']['trustedPeers']): BlockList {
  const list = new BlockList();
  for (const { address, prefix } of peers) {
    const family = isIP(address) === 6 ? 'ipv6' : 'ipv4';
    if (prefix === undefined) list.addAddress(address, family);
    else list.addSubnet(address, prefix, family);
  }
  return list;
}

/** The number or user of a sip:, sips: or tel: URI (RFC 3966), when it is one we can file a customer under. */
function callerOfUri(uri: string): string | undefined {
  const caller = callerIdSchema.safeParse(/^\s*tel:([^;>]+)/i.exec(uri)?.[1] ?? userOf(uri));
  return caller.success ? caller.data : undefined;
}

/** The URIs of an identity header: name-addrs (<uri>) or one bare addr-spec. */
function urisOf(header: string): string[] {
  const bracketed = [...header.matchAll(/<([^>]*)>/g)].map((match) => match[1] ?? '');
  return bracketed.length > 0 ? bracketed : [header];
}

/**
 * Who is calling. A peer we trust (a carrier's trunk, our SBC) asserts the
 * caller's network-checked number in P-Asserted-Identity (RFC 3325), while its
 * From may carry a number the caller chose to present; from anyone else that
 * header proves nothing, and the From user stands. A caller who asks for
 * privacy (Privacy: id, RFC 3323) is withheld, whatever the headers say.
 */
export function callerOf(req: Pick<SipRequest, 'get' | 'getParsedHeader' | 'source_address'>, trusted: BlockList): string {
  const privacy = (req.get('Privacy') ?? '').split(';').map((value) => value.trim().toLowerCase());
  if (privacy.includes('id')) return WITHHELD;
  const asserted = req.get('P-Asserted-Identity');
  const family = isIP(req.source_address);
  if (asserted && family !== 0 && trusted.check(req.source_address, family === 6 ? 'ipv6' : 'ipv4')) {
    const caller = urisOf(asserted).map(callerOfUri).find((found) => found !== undefined);
    if (caller) return caller;
  }
  return callerOfUri(req.getParsedHeader('From').uri) ?? WITHHELD;
}
