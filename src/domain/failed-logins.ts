// How many wrong desk-phone passwords a source may send before it is refused
// for a while without being asked for a password.

export interface FailedLoginLimits {
  /** Wrong passwords for one user from one address within windowMs that block the two. */
  perUser: number;
  /** Wrong passwords from one address, any users, that block the address (a spray). */
  perAddress: number;
  windowMs: number;
  blockMs: number;
}

// An office behind one NAT address may hold a phone with an old password that
// retries every minute or so: it alone must not lock out its colleagues.
export const DEFAULT_FAILED_LOGIN_LIMITS: FailedLoginLimits = { perUser: 10, perAddress: 100, windowMs: 600_000, blockMs: 900_000 };

/** What a wrong password blocked: the user from that address, or the address itself. */
export type FailedLoginBlock = 'user' | 'address';
