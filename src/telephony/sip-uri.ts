// The two parts of a SIP URI this adapter reads. Enough for sip:/sips: URIs
// as phones and drachtio send them; not a general parser.

const SIP_URI = /^\s*<?\s*sips?:(?:([^@;>?]+)@)?([^;>?]+)/i;

/** The user part ("1000" of "sip:1000@pbx.example;transport=tcp"), undecoded. */
export function userOf(uri: string): string | undefined {
  return SIP_URI.exec(uri)?.[1];
}

/** The host[:port] part. */
export function hostOf(uri: string): string | undefined {
  return SIP_URI.exec(uri)?.[2];
}
