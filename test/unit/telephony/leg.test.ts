import { JoinTimeoutError, LegEndedError } from '../../../src/telephony/errors';
import { HELD_MEDIA_TIMEOUT_MS } from '../../../src/telephony/held-media-timeout';
import { SipLeg } from '../../../src/telephony/leg';
import { deferred, FakeDialog, FakeEndpoint, flush, PROBE_OFF, silentLog } from './fakes';

function setup(heldProbe = PROBE_OFF) {
  const endpoint = new FakeEndpoint();
  const dialog = new FakeDialog();
  const release = jest.fn();
  const leg = new SipLeg(endpoint, dialog, 'fs-1:8021', release, silentLog, { joinMs: 30, teardownMs: 30, modifyMs: 30, heldProbe });
  return { endpoint, dialog, release, leg };
}

describe('SipLeg', () => {
  it('joins a room by name and reports the member id as a string', async () => {
    const { endpoint, leg } = setup();
    await expect(leg.join('room-1')).resolves.toEqual({ memberId: '7' });
    expect(endpoint.join).toHaveBeenCalledWith('room-1');
    expect(leg.id).toBe(endpoint.uuid);
  });

  it('times out a join that FreeSWITCH never completes (a locked room)', async () => {
    const { endpoint, leg } = setup();
    endpoint.join.mockReturnValueOnce(new Promise(() => undefined));
    await expect(leg.join('locked')).rejects.toBeInstanceOf(JoinTimeoutError);
  });

  it('rejects a pending join when the leg ends meanwhile', async () => {
    const { endpoint, dialog, leg } = setup();
    const pending = deferred<{ memberId: number; confUuid: string }>();
    endpoint.join.mockReturnValueOnce(pending.promise);
    const joining = leg.join('room-1');
    dialog.remoteBye();
    await expect(joining).rejects.toBeInstanceOf(LegEndedError);
  });

  it('on the phone\'s BYE: onEnded("remote") once, the endpoint hung up, the channel released', async () => {
    const { endpoint, dialog, release, leg } = setup();
    const ended = jest.fn();
    leg.onEnded(ended);
    dialog.remoteBye();
    dialog.remoteBye();
    endpoint.emit('destroy');
    await flush();
    expect(ended).toHaveBeenCalledTimes(1);
    expect(ended).toHaveBeenCalledWith('remote');
    expect(endpoint.destroy).toHaveBeenCalledTimes(1);
    expect(dialog.destroy).not.toHaveBeenCalled();
    expect(release).toHaveBeenCalledTimes(1);
  });

  it('when FreeSWITCH drops the channel: onEnded("media") and a BYE to the phone', async () => {
    const { endpoint, dialog, leg } = setup();
    const ended = jest.fn();
    leg.onEnded(ended);
    endpoint.emit('destroy');
    await flush();
    expect(ended).toHaveBeenCalledWith('media');
    expect(dialog.destroy).toHaveBeenCalledTimes(1);
    expect(endpoint.destroy).not.toHaveBeenCalled();
  });

  it('tells a listener that subscribes after the end', async () => {
    const { dialog, leg } = setup();
    dialog.remoteBye();
    const late = jest.fn();
    leg.onEnded(late);
    await flush();
    expect(late).toHaveBeenCalledWith('remote');
  });

  it('hangup() is idempotent, never throws, and does not call onEnded', async () => {
    const { endpoint, dialog, release, leg } = setup();
    const ended = jest.fn();
    leg.onEnded(ended);
    dialog.destroy.mockRejectedValueOnce(new Error('Server error: unable to find dialog for dialog id provided'));
    endpoint.destroy.mockReturnValueOnce(new Promise(() => undefined)); // FreeSWITCH's BYE never comes
    await Promise.all([leg.hangup(), leg.hangup()]);
    await leg.hangup();
    expect(dialog.destroy).toHaveBeenCalledTimes(1);
    expect(endpoint.destroy).toHaveBeenCalledTimes(1);
    expect(release).toHaveBeenCalledTimes(1);
    dialog.remoteBye();
    await flush();
    expect(ended).not.toHaveBeenCalled();
    await expect(leg.join('room-1')).rejects.toBeInstanceOf(LegEndedError);
  });

  it('keeps going when an onEnded listener throws', async () => {
    const { dialog, leg } = setup();
    const second = jest.fn();
    leg.onEnded(() => {
      throw new Error('listener bug');
    });
    leg.onEnded(second);
    dialog.remoteBye();
    expect(second).toHaveBeenCalledWith('remote');
  });

  describe("the phone's re-INVITE", () => {
    const SDP = { 'Content-Type': 'application/sdp' };

    it('goes to FreeSWITCH, and the phone gets its answer (a hold, a new address or codec)', async () => {
      const { endpoint, dialog } = setup();
      const answered = dialog.remoteReinvite('v=0 hold a=sendonly');
      await flush();
      expect(endpoint.dialog.modify).toHaveBeenCalledWith('v=0 hold a=sendonly');
      expect(answered).toHaveBeenCalledWith(200, { body: 'v=0 answer-from-freeswitch', headers: SDP });
      expect(dialog.local.sdp).toBe('v=0 answer-from-freeswitch');
    });

    it("a hold gives the channel the held phone's media timeout first (a quiet held phone is not dead); a resume, or a refused hold, takes it back", async () => {
      const { endpoint, dialog } = setup();
      const order: string[] = [];
      endpoint.api.mockImplementation(async (command: string, args: string) => {
        order.push(`${command} ${args}`);
        return { getBody: () => '+OK\n' };
      });
      endpoint.dialog.modify.mockImplementation(async (sdp: string) => {
        order.push(`modify ${sdp}`);
        return 'v=0 answer-from-freeswitch';
      });
      const sdp = (direction: string) => `v=0\r\nc=IN IP4 10.0.0.5\r\nm=audio 4000 RTP/AVP 0\r\na=${direction}\r\n`;
      const held = `uuid_setvar ${endpoint.uuid} media_timeout_audio ${HELD_MEDIA_TIMEOUT_MS}`;
      const cleared = `uuid_setvar ${endpoint.uuid} media_timeout_audio`;
      dialog.remoteReinvite(sdp('sendonly'));
      await flush();
      dialog.remoteReinvite(sdp('sendonly'));
      await flush();
      dialog.remoteReinvite(sdp('sendrecv'));
      await flush();
      expect(order).toEqual([held, `modify ${sdp('sendonly')}`, `modify ${sdp('sendonly')}`, cleared, `modify ${sdp('sendrecv')}`]);

      order.length = 0;
      endpoint.dialog.modify.mockRejectedValueOnce(new Error('488 Not Acceptable Here'));
      expect(dialog.remoteReinvite(sdp('inactive'))).toBeDefined();
      await flush();
      expect(order).toEqual([held, cleared]);
    });

    it('refused by FreeSWITCH: 488 to the phone, and both keep the media they had', async () => {
      const { endpoint, dialog } = setup();
      endpoint.dialog.modify.mockRejectedValueOnce(new Error('488 Not Acceptable Here'));
      const answered = dialog.remoteReinvite('v=0 video only');
      await flush();
      expect(answered).toHaveBeenCalledWith(488);
      expect(dialog.local.sdp).toBe('local');
    });

    it('left unanswered by FreeSWITCH: 488 once the modify deadline passes', async () => {
      const { endpoint, dialog } = setup();
      endpoint.dialog.modify.mockReturnValueOnce(new Promise(() => undefined));
      const answered = dialog.remoteReinvite('v=0 new address');
      await new Promise((r) => setTimeout(r, 60));
      expect(answered).toHaveBeenCalledWith(488);
    });

    it("tells of the phone's hold button once FreeSWITCH follows: on hold, and back, once per change", async () => {
      const { dialog, leg } = setup();
      const held = jest.fn();
      leg.onPhoneHold(held);
      dialog.remoteReinvite('v=0\r\nm=audio 4000 RTP/AVP 0\r\na=sendonly');
      await flush();
      dialog.remoteReinvite('v=0\r\nm=audio 4000 RTP/AVP 0\r\na=inactive');
      await flush();
      expect(held.mock.calls).toEqual([[true]]);
      dialog.remoteReinvite('v=0\r\nm=audio 4002 RTP/AVP 0\r\na=sendrecv');
      await flush();
      expect(held.mock.calls).toEqual([[true], [false]]);
    });

    it('a phone that holds is asked whether it is there (OPTIONS); one gone ends the leg as a media loss and is torn down; a resumed one is not asked', async () => {
      const { endpoint, dialog, leg, release } = setup({ everyMs: 5, answerMs: 50 });
      const ended = jest.fn();
      leg.onEnded(ended);
      dialog.request.mockResolvedValue({ status: 200 });
      dialog.remoteReinvite('v=0\r\nm=audio 4000 RTP/AVP 0\r\na=sendonly');
      for (let i = 0; i < 100 && dialog.request.mock.calls.length < 2; i += 1) await new Promise((r) => setTimeout(r, 5));
      expect(dialog.request).toHaveBeenCalledWith({ method: 'OPTIONS' });
      dialog.remoteReinvite('v=0\r\nm=audio 4002 RTP/AVP 0\r\na=sendrecv');
      await flush();
      const asked = dialog.request.mock.calls.length;
      await new Promise((r) => setTimeout(r, 30));
      expect(dialog.request.mock.calls.length).toBeLessThanOrEqual(asked + 1);

      dialog.request.mockResolvedValue({ status: 408 });
      dialog.remoteReinvite('v=0\r\nm=audio 4000 RTP/AVP 0\r\na=sendonly');
      for (let i = 0; i < 100 && ended.mock.calls.length === 0; i += 1) await new Promise((r) => setTimeout(r, 5));
      expect(ended).toHaveBeenCalledWith('media');
      await flush();
      expect(dialog.destroy).toHaveBeenCalled();
      expect(endpoint.destroy).toHaveBeenCalled();
      expect(release).toHaveBeenCalled();
    });

    it('a hold FreeSWITCH refuses is not told: the media stays as it was', async () => {
      const { endpoint, dialog, leg } = setup();
      const held = jest.fn();
      leg.onPhoneHold(held);
      endpoint.dialog.modify.mockRejectedValueOnce(new Error('488 Not Acceptable Here'));
      dialog.remoteReinvite('v=0\r\nm=audio 4000 RTP/AVP 0\r\na=sendonly');
      await flush();
      expect(held).not.toHaveBeenCalled();
    });

    it("an UPDATE's offer goes to FreeSWITCH as a re-INVITE's does; an UPDATE without one only gets 200", async () => {
      const { endpoint, dialog } = setup();
      const answered = dialog.remoteRequest('update', 'v=0 new codec');
      await flush();
      expect(endpoint.dialog.modify).toHaveBeenCalledWith('v=0 new codec');
      expect(answered).toHaveBeenCalledWith(200, { body: 'v=0 answer-from-freeswitch', headers: SDP });
      const refreshed = dialog.remoteRequest('update');
      expect(refreshed).toHaveBeenCalledWith(200, { headers: {} });
      expect(endpoint.dialog.modify).toHaveBeenCalledTimes(1);
    });

    it("a session refresh is answered with its timer, so the caller keeps refreshing (drachtio hangs up a dialog whose refresher stops)", async () => {
      const { dialog } = setup();
      const timer = { 'Session-Expires': '1800;refresher=uac', Supported: 'timer' };
      const echoed = { 'Session-Expires': '1800;refresher=uac', Require: 'timer' };
      expect(dialog.remoteRequest('update', '', timer)).toHaveBeenCalledWith(200, { headers: echoed });
      const reinvited = dialog.remoteRequest('modify', 'v=0 same media', timer);
      await flush();
      expect(reinvited).toHaveBeenCalledWith(200, { body: 'v=0 answer-from-freeswitch', headers: { ...SDP, ...echoed } });
    });

    describe("the phone's transfer button (REFER)", () => {
      const refer = (referTo: string) => ({ 'Refer-To': referTo });
      const notified = (dialog: FakeDialog) =>
        dialog.request.mock.calls.map(([opts]) => [opts.headers?.['Subscription-State'], opts.body]);

      it('a blind transfer goes to the handler with the user; the phone hears 202, then 100 and 200 in NOTIFYs', async () => {
        const { dialog, leg } = setup();
        const handler = jest.fn(async () => ({ accepted: true as const }));
        leg.onTransferRequest(handler);
        const answered = dialog.remoteRequest('refer', '', refer('"Bo" <sip:bo@pbx.example;transport=udp>'));
        await flush();
        expect(handler).toHaveBeenCalledWith('bo');
        expect(answered).toHaveBeenCalledWith(202);
        expect(notified(dialog)).toEqual([
          ['active;expires=60', 'SIP/2.0 100 Trying\r\n'],
          ['terminated;reason=noresource', 'SIP/2.0 200 OK\r\n'],
        ]);
        expect(dialog.request.mock.calls[0]?.[0]).toMatchObject({ method: 'NOTIFY', headers: { Event: 'refer', 'Content-Type': 'message/sipfrag;version=2.0' } });
      });

      it("reads the Refer-To header's compact form (r)", async () => {
        const { dialog, leg } = setup();
        const handler = jest.fn(async () => ({ accepted: true as const }));
        leg.onTransferRequest(handler);
        expect(dialog.remoteRequest('refer', '', { r: '<sip:bo@pbx.example>' })).toHaveBeenCalledWith(202);
        expect(handler).toHaveBeenCalledWith('bo');
      });

      it("a transfer the handler refuses is told to the phone with the handler's status; it keeps the call", async () => {
        const { dialog, leg } = setup();
        const ended = jest.fn();
        leg.onEnded(ended);
        leg.onTransferRequest(async () => ({ accepted: false, status: 404, reason: 'Not Found' }));
        dialog.remoteRequest('refer', '', refer('<sip:nobody@pbx.example>'));
        await flush();
        expect(notified(dialog)[1]).toEqual(['terminated;reason=noresource', 'SIP/2.0 404 Not Found\r\n']);
        expect(ended).not.toHaveBeenCalled();
      });

      it('hands the transfer over with the 202, not after the first NOTIFY: a phone may hang up as soon as it is accepted', () => {
        const { dialog, leg } = setup();
        dialog.request.mockReturnValue(new Promise(() => undefined));
        const handler = jest.fn(async () => ({ accepted: true as const }));
        leg.onTransferRequest(handler);
        const answered = dialog.remoteRequest('refer', '', refer('<sip:bo@pbx.example>'));
        expect(answered).toHaveBeenCalledWith(202);
        expect(handler).toHaveBeenCalledWith('bo');
      });

      it('a call handed over hangs the phone up: the phone hears 200 before the BYE, and no NOTIFY after it', async () => {
        const { dialog, leg } = setup();
        const handing = deferred<{ accepted: true }>();
        leg.onTransferRequest(() => handing.promise);
        dialog.remoteRequest('refer', '', refer('<sip:bo@pbx.example>'));
        await flush();
        await leg.hangup();
        handing.resolve({ accepted: true });
        await flush();
        expect(notified(dialog)).toEqual([
          ['active;expires=60', 'SIP/2.0 100 Trying\r\n'],
          ['terminated;reason=noresource', 'SIP/2.0 200 OK\r\n'],
        ]);
        expect(dialog.destroy).toHaveBeenCalledTimes(1);
        expect(dialog.request.mock.invocationCallOrder[1]).toBeLessThan(dialog.destroy.mock.invocationCallOrder[0] as number);
      });

      it('a NOTIFY the phone never answers holds up the hang-up for a teardown deadline at most', async () => {
        const { dialog, leg } = setup();
        dialog.request.mockReturnValue(new Promise(() => undefined));
        leg.onTransferRequest(() => new Promise(() => undefined));
        dialog.remoteRequest('refer', '', refer('<sip:bo@pbx.example>'));
        await leg.hangup();
        expect(dialog.destroy).toHaveBeenCalledTimes(1);
      });

      it('without a handler, for an attended transfer (Replaces) or an odd user, the phone gets 501 and keeps the call', async () => {
        const { endpoint, dialog, leg } = setup();
        const ended = jest.fn();
        leg.onEnded(ended);
        expect(dialog.remoteRequest('refer', '', refer('<sip:bo@pbx.example>'))).toHaveBeenCalledWith(501, 'Transfer From The Console');
        const handler = jest.fn(async () => ({ accepted: true as const }));
        leg.onTransferRequest(handler);
        const attended = dialog.remoteRequest('refer', '', refer('<sip:bo@pbx.example?Replaces=abc%3Bto-tag%3D1%3Bfrom-tag%3D2>'));
        await flush();
        expect(attended).toHaveBeenCalledWith(501, 'Transfer From The Console');
        // Nor a user that is no SIP user name a desk phone could have.
        const odd = dialog.remoteRequest('refer', '', refer('<sip:bo%3Bx@pbx.example>'));
        expect(odd).toHaveBeenCalledWith(501, 'Transfer From The Console');
        expect(handler).not.toHaveBeenCalled();
        expect(dialog.request).not.toHaveBeenCalled();
        expect(ended).not.toHaveBeenCalled();
        expect(endpoint.destroy).not.toHaveBeenCalled();
      });
    });

    it('without an offer: the phone gets the SDP it has; an unchanged answer in its ACK does not reach FreeSWITCH', async () => {
      const { endpoint, dialog } = setup();
      const answered = dialog.remoteReinvite('');
      await flush();
      expect(answered).toHaveBeenCalledWith(200, { body: 'local', headers: SDP });
      dialog.remoteAck('v=0 answer-from-phone');
      await flush();
      expect(endpoint.dialog.modify).not.toHaveBeenCalled();
    });

    it('without an offer: a new answer in the ACK (another address, a hold) goes to FreeSWITCH', async () => {
      const { endpoint, dialog, leg } = setup();
      const holds: boolean[] = [];
      leg.onPhoneHold((held) => holds.push(held));
      dialog.remoteReinvite('');
      const moved = 'v=0\r\nc=IN IP4 10.0.0.9\r\nm=audio 4000 RTP/AVP 0\r\na=sendonly\r\n';
      dialog.remoteAck(moved);
      await flush();
      expect(endpoint.dialog.modify).toHaveBeenCalledWith(moved);
      expect(holds).toEqual([true]);
    });
  });
});
