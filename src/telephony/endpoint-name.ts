import { hostOf, userOf } from './sip-uri';

// FreeSWITCH names an endpoint (its caller id, which `conference list` shows)
// after the From of the INVITE that creates it; without one it is "nobody/unknown".

/** The From that names an endpoint `name`: a customer's number, a desk user, "standby". */
export function endpointFrom(name: string): string {
  return `<sip:${name}@localhost>`;
}

/** The From for an endpoint that dials targetUri: its user, at its host. */
export function endpointFromHeader(targetUri: string): string {
  return `<sip:${userOf(targetUri) ?? 'dial'}@${hostOf(targetUri) ?? 'localhost'}>`;
}
