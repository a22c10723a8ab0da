// Wrong passwords from one address, counted per instance: a source that
// guesses too often is refused for a while without being asked for a password.

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

// Entries kept at most; beyond it the oldest go (a scan from many addresses).
const MAX_ENTRIES = 10_000;

interface Count {
  since: number;
  failures: number;
  blockedUntil?: number;
}

export class FailedLogins {
  private readonly counts = new Map<string, Count>();

  constructor(
    private readonly limits: FailedLoginLimits = DEFAULT_FAILED_LOGIN_LIMITS,
    private readonly now: () => number = Date.now,
  ) {}

  /** Whether the address, or the address for this user, is refused now. */
  blocked(address: string, user?: string): boolean {
    return this.isBlocked(address) || (user !== undefined && this.isBlocked(`${address} ${user}`));
  }

  /** Counts a wrong password; returns what became blocked by it, if anything. */
  failed(address: string, user: string): 'user' | 'address' | undefined {
    if (this.count(address, this.limits.perAddress)) return 'address';
    if (this.count(`${address} ${user}`, this.limits.perUser)) return 'user';
    return undefined;
  }

  /** A right password clears the user's count from that address. */
  succeeded(address: string, user: string): void {
    this.counts.delete(`${address} ${user}`);
  }

  private isBlocked(key: string): boolean {
    const blockedUntil = this.counts.get(key)?.blockedUntil;
    return blockedUntil !== undefined && blockedUntil > this.now();
  }

  /** True when this failure reaches the limit. */
  private count(key: string, limit: number): boolean {
    const now = this.now();
    let count = this.counts.get(key);
    if (!count || (count.blockedUntil ?? count.since + this.limits.windowMs) <= now) {
      count = { since: now, failures: 0 };
      this.counts.delete(key);
      if (this.counts.size >= MAX_ENTRIES) this.counts.delete(this.counts.keys().next().value as string);
      this.counts.set(key, count);
    }
    count.failures += 1;
    if (count.failures < limit || count.blockedUntil !== undefined) return false;
    count.blockedUntil = now + this.limits.blockMs;
    return true;
  }
}
