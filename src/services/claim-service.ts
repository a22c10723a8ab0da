import { NoneAvailableError, NotFoundError } from '../domain/errors';
import type { Criteria } from '../domain/matching';
import type { Claim, ClaimStore } from '../store/claim-store';

/** The shared pool of people: calls, escalations and other channels claim from it. */
export class ClaimService {
  constructor(
    private readonly claims: ClaimStore,
    private readonly defaultLeaseSec: number,
  ) {}

  async claim(criteria: Criteria, leaseSec = this.defaultLeaseSec, meta: Record<string, unknown> = {}): Promise<Claim> {
    const claim = await this.claims.claim(criteria, leaseSec * 1000, meta);
    if (!claim) throw new NoneAvailableError({ criteria });
    return claim;
  }

  /**
   * Claims, or returns undefined when nobody matches (routing queues instead).
   * Routing rings whom it claims: the claim brings their profile.
   */
  tryClaim(criteria: Criteria, leaseSec = this.defaultLeaseSec, meta: Record<string, unknown> = {}): Promise<Claim | undefined> {
    return this.claims.claim(criteria, leaseSec * 1000, meta, true);
  }

  async renew(claimId: string, leaseSec = this.defaultLeaseSec): Promise<Claim> {
    const expiresAt = await this.claims.renew(claimId, leaseSec * 1000);
    const claim = expiresAt && (await this.claims.get(claimId));
    if (!claim) throw new NotFoundError('claim', claimId);
    return claim;
  }

  async release(claimId: string): Promise<void> {
    if (!(await this.claims.release(claimId))) throw new NotFoundError('claim', claimId);
  }

  /** Idempotent release for cleanup paths, where "already gone" is success. */
  async releaseQuietly(claimId: string): Promise<void> {
    await this.claims.release(claimId);
  }
}
