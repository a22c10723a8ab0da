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

/** The same URI with another host[:port]: user, parameters and the rest kept. */
export function withHostOf(uri: string, hostPort: string): string {
  // The host is the end of the match, so the rest of the URI follows it unchanged.
  return uri.replace(SIP_URI, (whole: string, _user: string | undefined, host: string) => whole.slice(0, whole.length - host.length) + hostPort);
}
