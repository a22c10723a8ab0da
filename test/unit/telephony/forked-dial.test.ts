import type { DialFailed, Leg, OutboundDial } from '../../../src/services/ports/telephony';
import { type BranchUri, ForkedDial } from '../../../src/telephony/forked-dial';
import { deferred, flush } from './fakes';

/** One phone's dial, settled by the test; a cancel after its answer hangs its leg up, as SipOutboundDial's does. */
class Branch implements OutboundDial {
  readonly outcome = deferred<{ answered: Leg } | { failed: DialFailed }>();
  readonly result = this.outcome.promise;
  uri?: string;
  cancels = 0;
  hungUp = false;
  private answered = false;
  private ringing = false;
  private readonly ringingListeners: (() => void)[] = [];

  constructor(readonly to: BranchUri) {
    void Promise.resolve(to).then((uri) => (this.uri = uri));
  }

  /** As SipOutboundDial: once ringing, a listener added is told at once (in a microtask). */
  onRinging(listener: () => void) {
    if (this.ringing) queueMicrotask(listener);
    else this.ringingListeners.push(listener);
  }

  onPhoneRinging(listener: () => void) {
    this.onRinging(listener);
  }

  pendingInvites() {
    return this.answered || !this.uri ? [] : [`invite-to-${this.uri}`];
  }

  ring() {
    this.ringing = true;
    for (const listener of this.ringingListeners.splice(0)) listener();
  }

  answer(): Leg {
    const leg = { id: `leg-${this.uri}` } as Leg;
    this.answered = true;
    this.outcome.resolve({ answered: leg });
    return leg;
  }

  fail(outcome: DialFailed['outcome'], status?: number) {
    this.outcome.resolve({ failed: { outcome, status } });
  }

  cancel() {
    this.cancels += 1;
    if (this.answered) this.hungUp = true;
    else this.outcome.resolve({ failed: { outcome: 'cancelled', status: 487 } });
  }
}

/** A fork on a look-up still under way, and the branches it has started so far. */
function forkOn(lookup: Promise<readonly string[]>) {
  const branches: Branch[] = [];
  const dial = new ForkedDial(lookup, (to) => {
    const branch = new Branch(to);
    branches.push(branch);
    return branch;
  });
  return { dial, branches };
}

/** A fork once the look-up has found these. */
async function fork(uris: readonly string[] | Promise<readonly string[]>) {
  const forked = forkOn(Promise.resolve(uris));
  await flush();
  return forked;
}

describe('ForkedDial', () => {
  it("starts the first phone's branch before the look-up ends, then one per further phone", async () => {
    const lookup = deferred<readonly string[]>();
    const { branches } = forkOn(lookup.promise);
    expect(branches).toHaveLength(1);
    lookup.resolve(['sip:bo@10.0.0.7', 'sip:bo@10.0.0.8']);
    await flush();
    expect(branches.map((b) => b.uri)).toEqual(['sip:bo@10.0.0.7', 'sip:bo@10.0.0.8']);
  });

  it("names every phone's INVITE still unanswered (another instance cancels them if ours stops)", async () => {
    const { dial, branches } = await fork(['sip:bo@desk', 'sip:bo@soft']);
    expect(dial.pendingInvites()).toEqual(['invite-to-sip:bo@desk', 'invite-to-sip:bo@soft']);
    branches[1]!.answer();
    expect(dial.pendingInvites()).toEqual(['invite-to-sip:bo@desk']);
  });

  it('tells each time one more phone rings, a late listener of those already ringing too (the record names their INVITEs)', async () => {
    const lookup = deferred<readonly string[]>();
    const { dial, branches } = forkOn(lookup.promise);
    const phoneRinging = jest.fn();
    const firstRinging = jest.fn();
    dial.onPhoneRinging(phoneRinging);
    dial.onRinging(firstRinging);
    lookup.resolve(['sip:bo@desk', 'sip:bo@soft']);
    await flush();
    branches[0]!.ring();
    await flush();
    expect(phoneRinging).toHaveBeenCalledTimes(1);
    branches[1]!.ring();
    await flush();
    expect(phoneRinging).toHaveBeenCalledTimes(2);
    expect(firstRinging).toHaveBeenCalledTimes(1);
    const late = jest.fn();
    dial.onPhoneRinging(late);
    await flush();
    expect(late).toHaveBeenCalledTimes(2);
  });

  it('the first phone to answer gets the call, and the others are cancelled', async () => {
    const { dial, branches } = await fork(['sip:bo@desk', 'sip:bo@soft', 'sip:bo@dect']);
    const ringing = jest.fn();
    dial.onRinging(ringing);
    branches[0]!.ring();
    branches[1]!.ring();
    await flush();
    expect(ringing).toHaveBeenCalledTimes(1);
    const leg = branches[1]!.answer();
    expect(await dial.result).toEqual({ answered: leg });
    expect(branches.map((b) => b.cancels)).toEqual([1, 0, 1]);
    // A cancel now hangs up the winner only.
    dial.cancel();
    expect(branches[1]!.hungUp).toBe(true);
  });

  it('a phone that answers after another already has is hung up', async () => {
    const { dial, branches } = await fork(['sip:bo@desk', 'sip:bo@soft']);
    const first = branches[0]!.answer();
    // Both answered before the fork saw either.
    branches[1]!.answer();
    expect(await dial.result).toEqual({ answered: first });
    await flush();
    expect(branches[1]!.hungUp).toBe(true);
    expect(branches[0]!.hungUp).toBe(false);
  });

  it('a decline (6xx) on one phone ends the others: the person said no', async () => {
    const { dial, branches } = await fork(['sip:bo@desk', 'sip:bo@soft']);
    branches[1]!.fail('declined', 603);
    expect(await dial.result).toEqual({ failed: { outcome: 'declined', status: 603 } });
    expect(branches[0]!.cancels).toBe(1);
  });

  it('a busy phone leaves the others ringing; when all fail, busy says most', async () => {
    const { dial, branches } = await fork(['sip:bo@desk', 'sip:bo@soft', 'sip:bo@old']);
    const settled = jest.fn();
    void dial.result.then(settled);
    branches[0]!.fail('busy', 486);
    branches[2]!.fail('unavailable', 503);
    await flush();
    expect(settled).not.toHaveBeenCalled();
    expect(branches[1]!.cancels).toBe(0);
    branches[1]!.fail('no_answer');
    expect(await dial.result).toEqual({ failed: { outcome: 'busy', status: 486 } });
  });

  it('nobody answering anywhere is no answer, not the unreachable old binding', async () => {
    const { dial, branches } = await fork(['sip:bo@desk', 'sip:bo@gone']);
    branches[1]!.fail('failed');
    branches[0]!.fail('no_answer');
    expect(await dial.result).toEqual({ failed: { outcome: 'no_answer', status: undefined } });
  });

  it('no phone at all: the single branch fails as unavailable, and that is the result', async () => {
    const { dial, branches } = await fork([]);
    expect(branches).toHaveLength(1);
    expect(branches[0]!.uri).toBeUndefined();
    branches[0]!.fail('unavailable');
    expect(await dial.result).toEqual({ failed: { outcome: 'unavailable', status: undefined } });
  });

  it('a failing look-up is no phone at all', async () => {
    const { dial, branches } = await fork(Promise.reject(new Error('redis down')));
    expect(branches).toHaveLength(1);
    branches[0]!.fail('unavailable');
    expect(await dial.result).toMatchObject({ failed: { outcome: 'unavailable' } });
  });

  it('waits for every phone of the look-up before failing: an early failure of the first is not the end', async () => {
    const lookup = deferred<readonly string[]>();
    const { dial, branches } = forkOn(lookup.promise);
    const settled = jest.fn();
    void dial.result.then(settled);
    branches[0]!.fail('failed');
    await flush();
    lookup.resolve(['sip:bo@desk', 'sip:bo@soft']);
    await flush();
    expect(settled).not.toHaveBeenCalled();
    const leg = branches[1]!.answer();
    expect(await dial.result).toEqual({ answered: leg });
  });

  it('cancel() before any answer cancels every phone and settles as cancelled; a cancel during the look-up starts no more', async () => {
    const { dial, branches } = await fork(['sip:bo@desk', 'sip:bo@soft']);
    dial.cancel();
    expect(branches.map((b) => b.cancels)).toEqual([1, 1]);
    expect(await dial.result).toEqual({ failed: { outcome: 'cancelled', status: 487 } });

    const lookup = deferred<readonly string[]>();
    const { dial: early, branches: started } = forkOn(lookup.promise);
    early.cancel();
    lookup.resolve(['sip:bo@desk', 'sip:bo@soft']);
    expect(await early.result).toMatchObject({ failed: { outcome: 'cancelled' } });
    expect(started).toHaveLength(1);
  });

  it('an answer that crosses our cancel is hung up, and the dial settles as cancelled', async () => {
    const { dial, branches } = await fork(['sip:bo@desk', 'sip:bo@soft']);
    // The desk phone's 200 is in, but the fork has not heard of it yet when we give up.
    branches[0]!.answer();
    dial.cancel();
    expect(await dial.result).toMatchObject({ failed: { outcome: 'cancelled' } });
    expect(branches[0]!.hungUp).toBe(true);
    expect(branches[1]!.cancels).toBeGreaterThan(0);
  });

  it('rings listeners registered after the first ring at once', async () => {
    const { dial, branches } = await fork(['sip:bo@desk']);
    branches[0]!.ring();
    const late = jest.fn();
    dial.onRinging(late);
    await flush();
    expect(late).toHaveBeenCalledTimes(1);
  });
});
