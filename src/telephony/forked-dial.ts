import type { DialFailed, DialFailure, DialResult, OutboundDial } from '../services/ports/telephony';

/** Where one branch dials: a URI, or the first of a look-up still under way. */
export type BranchUri = string | Promise<string | undefined>;

/**
 * When every phone failed, the outcome that says most about the person: we
 * gave up; they declined; one of their phones is in a call; nobody picked up;
 * only then that none could be reached, or that set-up failed.
 */
const TELLING_FIRST: readonly DialFailure[] = ['cancelled', 'declined', 'busy', 'no_answer', 'unavailable', 'failed'];

/**
 * Rings every registered phone of a person at once (a desk phone and a
 * softphone, say), one branch per contact, each with its own media endpoint.
 * The first to answer gets the call and the others are cancelled; one that
 * answers too is hung up. A 6xx (the person declined, on any phone) ends the
 * others too (RFC 3261 16.7). Otherwise the dial fails once every branch has.
 * The first branch starts at once, its endpoint made while the contacts are
 * looked up; the others when the look-up shows them.
 */
export class ForkedDial implements OutboundDial {
  readonly result: Promise<DialResult>;
  private resolveResult!: (result: DialResult) => void;
  private settled = false;
  private cancelled = false;
  private winner?: OutboundDial;
  private readonly branches: OutboundDial[] = [];
  private readonly failures: DialFailed[] = [];
  private allStarted = false;
  /** The first branch that rang: it tells the listeners, as it does its own (safely, once each). */
  private rang?: OutboundDial;
  private readonly ringingListeners: (() => void)[] = [];
  private readonly phoneRingingListeners: (() => void)[] = [];
  private phonesRinging = 0;

  constructor(uris: Promise<readonly string[]>, startBranch: (uri: BranchUri) => OutboundDial) {
    this.result = new Promise((resolve) => (this.resolveResult = resolve));
    const found = uris.catch((): readonly string[] => []);
    this.add(startBranch(found.then((list) => list[0])));
    void found.then((list) => {
      for (const uri of list.slice(1)) if (!this.cancelled && !this.settled) this.add(startBranch(uri));
      this.allStarted = true;
      this.settleIfAllFailed();
    });
  }

  onRinging(listener: () => void): void {
    if (this.rang) this.rang.onRinging(listener);
    else this.ringingListeners.push(listener);
  }

  onPhoneRinging(listener: () => void): void {
    this.phoneRingingListeners.push(listener);
    // Told of the phones already ringing too, as onRinging tells a late listener.
    for (let phone = 0; phone < this.phonesRinging; phone++) queueMicrotask(listener);
  }

  pendingInvites(): string[] {
    return this.branches.flatMap((branch) => branch.pendingInvites());
  }

  cancel(): void {
    if (this.winner) {
      this.winner.cancel();
      return;
    }
    this.cancelled = true;
    for (const branch of this.branches) branch.cancel();
  }

  private add(branch: OutboundDial): void {
    this.branches.push(branch);
    branch.onRinging(() => {
      this.phonesRinging += 1;
      if (!this.rang) {
        this.rang = branch;
        for (const listener of this.ringingListeners.splice(0)) branch.onRinging(listener);
      }
      for (const listener of this.phoneRingingListeners) listener();
    });
    void branch.result.then((result) => this.branchDone(branch, result));
  }

  private branchDone(branch: OutboundDial, result: DialResult): void {
    if ('answered' in result) {
      if (!this.settled && !this.cancelled) {
        this.winner = branch;
        this.settle(result, branch);
        return;
      }
      // Another phone was quicker, or we gave up meanwhile: this one hears our BYE.
      branch.cancel();
      this.failures.push({ outcome: 'cancelled', status: 200, reason: 'answered after another phone or a cancel' });
    } else {
      this.failures.push(result.failed);
      if ((result.failed.status ?? 0) >= 600) this.settle(result, branch);
    }
    this.settleIfAllFailed();
  }

  private settleIfAllFailed(): void {
    if (this.settled || !this.allStarted || this.failures.length < this.branches.length) return;
    const outcome = TELLING_FIRST.find((o) => this.failures.some((f) => f.outcome === o));
    const failure = this.failures.find((f) => f.outcome === outcome) ?? this.failures[0];
    if (failure) this.settle({ failed: failure });
  }

  /** Settles once; the other branches are cancelled. */
  private settle(result: DialResult, from?: OutboundDial): void {
    if (this.settled) return;
    this.settled = true;
    for (const branch of this.branches) if (branch !== from) branch.cancel();
    this.resolveResult(result);
  }
}
