// Key names shared by the TypeScript stores; the Lua scripts build the same
// names from the prefix (see lua/lib.lua).
export const keys = (prefix: string) => ({
  person: (id: string) => `${prefix}person:${id}`,
  people: `${prefix}people`,
  role: (role: string) => `${prefix}role:${role}`,
  skill: (skill: string) => `${prefix}skill:${skill}`,
  available: (role: string, skill?: string) => (skill === undefined ? `${prefix}avail:${role}` : `${prefix}avail:${role}:${skill}`),
  claim: (id: string) => `${prefix}claim:${id}`,
  heartbeats: `${prefix}heartbeats`,
  wrapUps: `${prefix}wrapups`,
  /** Required wrap-ups not posted yet, per person (see lua/wrapup-hold.lua). */
  wrapUpsOpen: (id: string) => `${prefix}wrapup-open:${id}`,
  wrapUpsHeld: `${prefix}wrapup-held`,
  missedOffers: `${prefix}missed-offers`,
  deskUser: (user: string) => `${prefix}deskuser:${user}`,
  /** Each desk user's soonest registration expiry in ms (the registrations themselves: lua/lib.lua). */
  registrationExpiries: `${prefix}reg-expiries`,
  /** Wrong desk-phone passwords from an address, or for "address user" (lua/failed-login.lua counts them). */
  loginFailures: (source: string) => `${prefix}login-failures:${source}`,
  /** Set while that source is refused. */
  loginBlock: (source: string) => `${prefix}login-block:${source}`,
  presenceChannel: `${prefix}presence`,
});
export type Keys = ReturnType<typeof keys>;
