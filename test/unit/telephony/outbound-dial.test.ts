import { endpointFromHeader } from '../../../src/telephony/endpoint-name';
import { type BranchRequest, SipOutboundDial, type DialTimings } from '../../../src/telephony/outbound-dial';
import { deferred, FakeMedia, FakeUac, flush, PROBE_OFF, silentLog } from './fakes';

const timings: DialTimings = { joinMs: 50, teardownMs: 50, cancelGraceMs: 40, modifyMs: 50, heldProbe: PROBE_OFF };

function setup(overrides: Partial<BranchRequest> = {}, prepare?: (media: FakeMedia) => void, dialTimings = timings) {
  const media = new FakeMedia();
  prepare?.(media);
  const uac = new FakeUac();
  const request: BranchRequest = {
    uri: 'sip:expert-bo@10.0.0.7:5060',
    mediaServer: media.name,
    headers: { 'X-Case-Id': 'case-42' },
    callingNumber: '5551234',
    ringTimeoutSec: 5,
    ...overrides,
  };
  const dial = new SipOutboundDial(request, media, uac, silentLog, dialTimings);
  return { media, uac, dial, request };
}

/** A dial the phone has answered (after ringing, if asked), whose endpoint takes the answer until the gate opens. */
async function answeredWhileEndpointTakesAnswer({ ringFirst = false } = {}) {
  const parts = setup();
  const gate = deferred<void>();
  await flush();
  if (ringFirst) parts.uac.provisional(180);
  const endpoint = parts.media.endpoints[0]!;
  endpoint.dialog.modify.mockImplementationOnce(() => gate.promise.then(() => 'v=0 answer-from-freeswitch'));
  const dialog = parts.uac.answer();
  await flush();
  return { ...parts, gate, endpoint, dialog };
}

describe('SipOutboundDial', () => {
  it('answers: endpoint offer in the INVITE, phone answer to the endpoint, a Leg on that endpoint', async () => {
    const { media, uac, dial } = setup();
    const ringing = jest.fn();
    dial.onRinging(ringing);
    await flush();
    expect(uac.last.opts.localSdp).toBe('v=0 offer-from-freeswitch');
    expect(media.openOptions[0]?.headers).toEqual({ From: '<sip:expert-bo@10.0.0.7:5060>' });
    uac.provisional(180);
    expect(ringing).toHaveBeenCalledTimes(1);
    uac.answer();
    const result = await dial.result;
    expect('answered' in result && result.answered.id).toBe(media.endpoints[0]?.uuid);
    expect(media.endpoints[0]?.dialog.modify).toHaveBeenCalledWith('v=0 answer-from-phone');
  });

  it('a phone that holds is asked whether it is there only when it registers with us (a desk user), not one elsewhere (a gateway, another PBX)', async () => {
    const probing: DialTimings = { ...timings, heldProbe: { everyMs: 5, answerMs: 50 } };
    const asked: Record<string, boolean> = {};
    for (const registered of [true, false, undefined]) {
      const { uac, dial } = setup({ registeredPhones: registered === undefined ? undefined : Promise.resolve(registered) }, undefined, probing);
      await flush();
      const dialog = uac.answer();
      await dial.result;
      dialog.remoteReinvite('v=0\r\nm=audio 4000 RTP/AVP 0\r\na=sendonly');
      await flush();
      await new Promise((r) => setTimeout(r, 40));
      asked[String(registered)] = dialog.request.mock.calls.length > 0;
    }
    expect(asked).toEqual({ true: true, false: false, undefined: false });
  });

  it("names its INVITE (drachtio's transaction id) while it is unanswered, so another instance can cancel it; none once answered", async () => {
    const { uac, dial } = setup();
    expect(dial.pendingInvites()).toEqual([]);
    await flush();
    expect(dial.pendingInvites()).toEqual([uac.last.invite.stackTxnId]);
    uac.provisional(180);
    uac.answer();
    await dial.result;
    expect(dial.pendingInvites()).toEqual([]);
    const refused = setup();
    await flush();
    refused.uac.fail(486, 'Busy Here');
    await refused.dial.result;
    expect(refused.dial.pendingInvites()).toEqual([]);
  });

  describe('with the URI still being looked up', () => {
    it('makes the endpoint meanwhile, named after the member, and dials the URI found', async () => {
      const lookup = deferred<string | undefined>();
      const { media, uac } = setup({ uri: lookup.promise, memberName: 'bo' });
      await flush();
      expect(media.openOptions[0]?.headers).toEqual({ From: '<sip:bo@localhost>' });
      expect(uac.calls).toHaveLength(0);
      lookup.resolve('sip:expert-bo@10.0.0.7:5060');
      await flush();
      expect(uac.last.uri).toBe('sip:expert-bo@10.0.0.7:5060');
    });

    it('fails as unavailable when nothing is found, and frees the endpoint', async () => {
      const { media, uac, dial } = setup({ uri: Promise.resolve(undefined), memberName: 'bo' });
      expect(await dial.result).toEqual({ failed: { outcome: 'unavailable', reason: 'no reachable contact' } });
      await flush();
      expect(uac.calls).toHaveLength(0);
      expect(media.endpoints[0]?.destroy).toHaveBeenCalled();
      expect(media.released).toEqual([media.endpoints[0]?.uuid]);
    });

    it('a cancel during the look-up sends nothing and frees the endpoint', async () => {
      const lookup = deferred<string | undefined>();
      const { media, uac, dial } = setup({ uri: lookup.promise, memberName: 'bo' });
      dial.cancel();
      expect(await dial.result).toEqual({ failed: { outcome: 'cancelled' } });
      lookup.resolve('sip:expert-bo@10.0.0.7:5060');
      await flush();
      expect(uac.calls).toHaveLength(0);
      expect(media.endpoints[0]?.destroy).toHaveBeenCalled();
    });
  });

  it('gives createUAC a fresh options object (srf mutates it) with the request headers and calling number', async () => {
    const { uac, request } = setup();
    await flush();
    expect(uac.last.opts.headers).toEqual({ 'X-Case-Id': 'case-42' });
    expect(uac.last.opts.headers).not.toBe(request.headers);
    expect(uac.last.opts.callingNumber).toBe('5551234');
  });

  it('does not count 100 Trying as ringing', async () => {
    const { uac, dial } = setup();
    const ringing = jest.fn();
    dial.onRinging(ringing);
    await flush();
    uac.provisional(100);
    expect(ringing).not.toHaveBeenCalled();
    uac.provisional(183);
    expect(ringing).toHaveBeenCalledTimes(1);
  });

  it.each([
    [486, 'busy'],
    [603, 'declined'],
    [480, 'no_answer'],
    [503, 'unavailable'],
    [488, 'failed'],
  ])('maps a %i to %s and frees the endpoint', async (status, outcome) => {
    const { media, uac, dial } = setup();
    await flush();
    uac.fail(status, 'x');
    expect(await dial.result).toEqual({ failed: { outcome, status, reason: 'x' } });
    await flush();
    expect(media.endpoints[0]?.destroy).toHaveBeenCalled();
    expect(media.released).toEqual([media.endpoints[0]?.uuid]);
  });

  it('fails when the media server cannot make an endpoint, without sending an INVITE', async () => {
    const { uac, dial } = setup({}, (media) => (media.failWith = new Error('media server fs-1 is not connected')));
    await expect(dial.result).resolves.toEqual({ failed: { outcome: 'failed', reason: 'media server fs-1 is not connected' } });
    expect(uac.createUAC).not.toHaveBeenCalled();
  });

  describe('cancel before any provisional response', () => {
    it('asks for the CANCEL (the stack holds it until a 1xx), gives up at once and BYEs a late 200 OK', async () => {
      const { media, uac, dial } = setup();
      await flush();
      dial.cancel();
      expect(await dial.result).toEqual({ failed: { outcome: 'cancelled' } });
      expect(uac.last.invite.cancel).toHaveBeenCalledTimes(1);
      const late = uac.answer();
      await flush();
      expect(late.destroy).toHaveBeenCalled();
      expect(media.endpoints[0]?.destroy).toHaveBeenCalled();
      expect(media.released).toHaveLength(1);
    });

    it('asks for the CANCEL once, and tells nobody about ringing that comes after', async () => {
      const { uac, dial } = setup();
      const ringing = jest.fn();
      dial.onRinging(ringing);
      await flush();
      dial.cancel();
      uac.provisional(180);
      uac.provisional(183);
      dial.cancel();
      expect(uac.last.invite.cancel).toHaveBeenCalledTimes(1);
      expect(ringing).not.toHaveBeenCalled();
      expect(await dial.result).toEqual({ failed: { outcome: 'cancelled' } });
    });

    it('asks for the CANCEL as soon as the INVITE is out when cancel() came just before', async () => {
      const media = new FakeMedia();
      const uac = new FakeUac();
      const dial = new SipOutboundDial(
        { uri: 'sip:bo@10.0.0.7', mediaServer: media.name, headers: {}, ringTimeoutSec: 5 },
        media,
        {
          createUAC: (uri, opts, progress) => {
            dial.cancel(); // lands between createUAC and drachtio's confirmation of the INVITE
            return uac.createUAC(uri, opts, progress);
          },
        },
        silentLog,
        timings,
      );
      expect(await dial.result).toEqual({ failed: { outcome: 'cancelled' } });
      expect(uac.last.invite.cancel).toHaveBeenCalledTimes(1);
    });

    it('never sends an INVITE when cancelled while the endpoint is being made', async () => {
      const gate = deferred<void>();
      const { media, uac, dial } = setup({}, (fake) => (fake.gate = gate.promise));
      dial.cancel();
      gate.resolve();
      expect(await dial.result).toEqual({ failed: { outcome: 'cancelled' } });
      await flush();
      expect(uac.createUAC).not.toHaveBeenCalled();
      expect(media.endpoints[0]?.destroy).toHaveBeenCalled();
    });
  });

  describe('cancel after a provisional response', () => {
    it('sends CANCEL and settles as cancelled on the 487', async () => {
      const { uac, dial } = setup();
      await flush();
      uac.provisional(180);
      dial.cancel();
      expect(uac.last.invite.cancel).toHaveBeenCalledTimes(1);
      uac.fail(487, 'Request Terminated');
      expect(await dial.result).toEqual({ failed: { outcome: 'cancelled', status: 487, reason: 'Request Terminated' } });
    });

    it('stops waiting for a 487 that never comes after the grace time', async () => {
      const { uac, dial } = setup();
      await flush();
      uac.provisional(180);
      dial.cancel();
      expect(await dial.result).toEqual({ failed: { outcome: 'cancelled' } });
    });

    it('tears down a 200 OK that crossed our CANCEL instead of handing out a leg', async () => {
      const { media, uac, dial } = setup();
      await flush();
      uac.provisional(180);
      dial.cancel();
      const crossed = uac.answer();
      expect(await dial.result).toEqual({ failed: { outcome: 'cancelled', status: 200, reason: 'answered after cancel' } });
      await flush();
      expect(crossed.destroy).toHaveBeenCalled();
      expect(media.endpoints[0]?.destroy).toHaveBeenCalled();
      expect(media.endpoints[0]?.dialog.modify).not.toHaveBeenCalled();
    });
  });

  it('hangs the leg up when cancel() comes after the answer', async () => {
    const { media, uac, dial } = setup();
    await flush();
    uac.provisional(180);
    const dialog = uac.answer();
    expect('answered' in (await dial.result)).toBe(true);
    dial.cancel();
    await flush();
    expect(dialog.destroy).toHaveBeenCalled();
    expect(media.endpoints[0]?.destroy).toHaveBeenCalled();
    expect(uac.last.invite.cancel).not.toHaveBeenCalled();
  });

  it('never hands out a leg when cancel() lands between the 200 OK and the end of modify', async () => {
    const { uac, dial, gate, endpoint, dialog } = await answeredWhileEndpointTakesAnswer({ ringFirst: true });
    expect(endpoint.dialog.modify).toHaveBeenCalled();
    dial.cancel();
    expect(await dial.result).toEqual({ failed: { outcome: 'cancelled', status: 200, reason: 'answered after cancel' } });
    expect(uac.last.invite.cancel).not.toHaveBeenCalled();
    gate.resolve();
    await flush();
    expect(dialog.destroy).toHaveBeenCalled();
    expect(endpoint.destroy).toHaveBeenCalled();
  });

  it('fails, and frees the endpoint, when the phone hangs up while the endpoint takes the answer', async () => {
    const { media, dial, gate, endpoint, dialog } = await answeredWhileEndpointTakesAnswer();
    dialog.remoteBye();
    gate.resolve();
    expect(await dial.result).toEqual({ failed: { outcome: 'failed', reason: 'the phone hung up while the call was being connected' } });
    await flush();
    expect(endpoint.destroy).toHaveBeenCalled();
    expect(media.released).toEqual([endpoint.uuid]);
  });

  it("refuses (491) the phone's media change while the endpoint takes its answer, so FreeSWITCH misses nothing; the leg takes the retry", async () => {
    const { dial, gate, endpoint, dialog } = await answeredWhileEndpointTakesAnswer();
    // Without a listener srf would answer 200 with our first offer, and FreeSWITCH would never know.
    expect(dialog.remoteReinvite('v=0 one codec only')).toHaveBeenCalledWith(491, 'Request Pending');
    expect(dialog.remoteRequest('update', 'v=0 one codec only')).toHaveBeenCalledWith(491, 'Request Pending');
    // An UPDATE without an offer only refreshes the session.
    expect(dialog.remoteRequest('update')).toHaveBeenCalledWith(200, { headers: {} });
    expect(dialog.remote.sdp).toBe('v=0 answer-from-phone');
    gate.resolve();
    expect('answered' in (await dial.result)).toBe(true);
    const retried = dialog.remoteReinvite('v=0 one codec only');
    await flush();
    expect(endpoint.dialog.modify.mock.calls).toEqual([['v=0 answer-from-phone'], ['v=0 one codec only']]);
    expect(retried).toHaveBeenCalledWith(200, expect.objectContaining({ body: 'v=0 answer-from-freeswitch' }));
  });

  it('gives up as no_answer when the ring timer runs out while ringing', async () => {
    const { uac, dial } = setup({ ringTimeoutSec: 0.03 });
    await flush();
    uac.provisional(180);
    await new Promise((resolve) => setTimeout(resolve, 40));
    expect(uac.last.invite.cancel).toHaveBeenCalledTimes(1);
    uac.fail(487, 'Request Terminated');
    expect(await dial.result).toEqual({ failed: { outcome: 'no_answer', status: 487, reason: 'Request Terminated' } });
  });

  it('gives up as no_answer at once when the ring timer runs out before any provisional response', async () => {
    const { uac, dial } = setup({ ringTimeoutSec: 0.02 });
    expect(await dial.result).toEqual({ failed: { outcome: 'no_answer' } });
    expect(uac.last.invite.cancel).toHaveBeenCalledTimes(1);
  });

  it('settles once even when a listener throws', async () => {
    const { uac, dial } = setup();
    dial.onRinging(() => {
      throw new Error('listener bug');
    });
    await flush();
    uac.provisional(180);
    uac.answer();
    expect('answered' in (await dial.result)).toBe(true);
  });
});

describe('endpointFromHeader', () => {
  it('names the called user so conference lists show who the member is', () => {
    expect(endpointFromHeader('sip:ana@127.0.0.1:15000;transport=UDP')).toBe('<sip:ana@127.0.0.1:15000>');
    expect(endpointFromHeader('sip:10.0.0.1')).toBe('<sip:dial@10.0.0.1>');
  });
});
