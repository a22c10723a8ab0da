import { createHmac, timingSafeEqual } from 'node:crypto';
import { ForbiddenError } from '../../domain/errors';

export interface CaseLinkSigning {
  secret: string;
  /** How long a link opens its case after the offer. */
  ttlSec: number;
}

/**
 * Where an expert's phone reads the case (its Call-Info). A desk phone's
 * browser cannot send a bearer token, so with a secret configured the link
 * carries its own permission: this case, until a time, signed with HMAC-SHA256.
 * Without one it is the API's URL, for softphones that hold a token.
 */
export class CaseLinks {
  constructor(
    private readonly publicBaseUrl: string,
    private readonly signing?: CaseLinkSigning,
  ) {}

  forPhone(caseId: string, nowMs = Date.now()): string {
    const url = `${this.publicBaseUrl}/v1/cases/${caseId}`;
    if (!this.signing) return url;
    const until = Math.floor(nowMs / 1000) + this.signing.ttlSec;
    return `${url}/card?until=${until}&sig=${this.sign(this.signing.secret, caseId, until)}`;
  }

  /** Throws ForbiddenError unless the link was signed here for this case and has not expired. */
  check(caseId: string, until: number, sig: string, nowMs = Date.now()): void {
    if (!this.signing) throw new ForbiddenError('case links are not enabled here (CASE_LINK_SECRET); read the case with a token');
    const expected = Buffer.from(this.sign(this.signing.secret, caseId, until), 'hex');
    const given = Buffer.from(sig, 'hex');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      throw new ForbiddenError('this case link is not valid');
    }
    if (until * 1000 < nowMs) throw new ForbiddenError('this case link has expired; read the case on your screen');
  }

  private sign(secret: string, caseId: string, until: number): string {
    return createHmac('sha256', secret).update(`case-link:${caseId}:${until}`).digest('hex');
  }
}
