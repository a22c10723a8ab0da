import { EventEmitter } from 'node:events';
import type { Dialog, SipRequest, SipResponse } from '../../../src/telephony/drachtio-api';
import { CallNotPendingError, MediaUnavailableError } from '../../../src/telephony/errors';
import { SipInboundCall } from '../../../src/telephony/inbound-call';
import { deferred, FakeDialog, FakeMedia, flush, PROBE_OFF, silentLog } from './fakes';

class FakeInviteRequest extends EventEmitter {
  readonly method = 'INVITE';
  readonly uri = 'sip:2000@127.0.0.1:5060';
  readonly callId = 'call-abc';
  body = 'v=0 caller-offer';
  headers: Record<string, string> = {};
  get(name: string): string | undefined {
    return name.toLowerCase() === 'call-id' ? 'call-abc' : this.headers[name];
  }
  has() {
    return true;
  }
  getParsedHeader() {
    return { uri: 'sip:5551234@10.1.1.1:5060', params: { tag: 'x' } };
  }
}

function setup(prepare?: (media: FakeMedia) => void, heldProbe = PROBE_OFF) {
  const req = new FakeInviteRequest();
  const res = { send: jest.fn(), status: 0, reason: '', finalResponseSent: false };
  const media = new FakeMedia();
  prepare?.(media);
  const uas = deferred<Dialog>();
  const srf = { createUAS: jest.fn(() => uas.promise) };
  const call = new SipInboundCall(
    req as unknown as SipRequest,
    res as unknown as SipResponse,
    // Who calls, as caller-identity.ts read it: here a trunk's asserted number, not the From's user.
    '+4312345',
    () => media,
    srf,
    silentLog,
    { joinMs: 30, teardownMs: 30, modifyMs: 30, heldProbe },
    30,
  );
  return { req, res, media, uas, srf, call };
}

describe('SipInboundCall', () => {
  it('reads the dialled number and Call-ID', () => {
    const { call } = setup();
    expect([call.from, call.to, call.sipCallId]).toEqual(['+4312345', '2000', 'call-abc']);
  });

  it('chooses its media server when the INVITE arrives and answers on it', async () => {
    const { media, uas, call } = setup();
    expect(call.mediaServer).toBe(media.name);
    const answering = call.answer();
    uas.resolve(new FakeDialog());
    expect((await answering).mediaServer).toBe(media.name);
  });

  it('answers: endpoint on the caller\'s offer, named for who calls, 200 OK with the endpoint\'s answer and our headers', async () => {
    const { media, uas, srf, call } = setup();
    const answering = call.answer({ 'X-Call-Id': 'c-1' });
    await flush();
    expect(media.openOptions[0]).toEqual({ remoteSdp: 'v=0 caller-offer', headers: { From: '<sip:+4312345@localhost>' } });
    expect(srf.createUAS).toHaveBeenCalledWith(expect.anything(), expect.anything(), {
      localSdp: 'v=0 offer-from-freeswitch',
      headers: { 'X-Call-Id': 'c-1' },
    });
    uas.resolve(new FakeDialog());
    const leg = await answering;
    expect(leg.id).toBe(media.endpoints[0]?.uuid);
    await expect(call.answer()).rejects.toBeInstanceOf(CallNotPendingError);
  });

  it("says Require: timer when the caller takes the refreshing (drachtio-server echoes its Session-Expires, not that)", async () => {
    const { req, uas, srf, call } = setup();
    req.headers = { 'Session-Expires': '1800;refresher=uac', Supported: 'timer' };
    const answering = call.answer({ 'X-Call-Id': 'c-1' });
    await flush();
    expect(srf.createUAS).toHaveBeenCalledWith(expect.anything(), expect.anything(), {
      localSdp: 'v=0 offer-from-freeswitch',
      headers: { 'X-Call-Id': 'c-1', Require: 'timer' },
    });
    uas.resolve(new FakeDialog());
    await answering;
  });

  describe('a late offer (an INVITE without SDP)', () => {
    const lateOffer = () => {
      const parts = setup();
      parts.req.body = '';
      const dialog = new FakeDialog();
      parts.uas.resolve(dialog);
      return { ...parts, dialog };
    };

    it("gets FreeSWITCH's offer in the 200 OK; the caller's answer in the ACK goes to the endpoint before the leg is handed over", async () => {
      const { media, srf, call, dialog } = lateOffer();
      const answering = call.answer();
      await flush();
      expect(media.openOptions[0]).toEqual({ headers: { From: '<sip:+4312345@localhost>' } });
      expect(srf.createUAS.mock.calls[0]).toContainEqual(expect.objectContaining({ localSdp: 'v=0 offer-from-freeswitch' }));
      const endpoint = media.endpoints[0];
      expect(endpoint?.dialog.modify).not.toHaveBeenCalled();
      dialog.remoteAck('v=0 answer-in-ack');
      expect((await answering).id).toBe(endpoint?.uuid);
      expect(endpoint?.dialog.modify).toHaveBeenCalledWith('v=0 answer-in-ack');
    });

    it("refuses (491) the caller's media change while the endpoint takes the answer from the ACK; the leg takes the retry", async () => {
      const { media, call, dialog } = lateOffer();
      const answering = call.answer();
      await flush();
      const endpoint = media.endpoints[0]!;
      const modifying = deferred<string>();
      endpoint.dialog.modify.mockReturnValueOnce(modifying.promise);
      dialog.remoteAck('v=0 answer-in-ack');
      await flush();
      expect(dialog.remoteReinvite('v=0 moved')).toHaveBeenCalledWith(491, 'Request Pending');
      expect(dialog.remote.sdp).toBe('v=0 answer-in-ack');
      modifying.resolve('v=0 answer-from-freeswitch');
      await answering;
      dialog.remoteReinvite('v=0 moved');
      await flush();
      expect(endpoint.dialog.modify.mock.calls).toEqual([['v=0 answer-in-ack'], ['v=0 moved']]);
    });

    it('hangs up (BYE) and frees the endpoint when the ACK brings no answer; the engine may still "reject"', async () => {
      const { res, media, call, dialog } = lateOffer();
      const answering = call.answer();
      await flush();
      dialog.remoteAck('');
      await expect(answering).rejects.toThrow(/no SDP answer/);
      expect(dialog.destroy).toHaveBeenCalledTimes(1);
      expect(media.endpoints[0]?.destroy).toHaveBeenCalled();
      expect(media.released).toHaveLength(1);
      await call.reject(503);
      expect(res.send).not.toHaveBeenCalled();
    });

    it('a caller who hangs up before the ACK, or while the endpoint takes the answer, has given up: no leg, the endpoint freed', async () => {
      for (const byeAfterAck of [false, true]) {
        const { media, call, dialog } = lateOffer();
        const gaveUp = jest.fn();
        call.onCancelled(gaveUp);
        const answering = call.answer();
        await flush();
        const endpoint = media.endpoints[0];
        if (byeAfterAck) {
          const modifying = deferred<string>();
          endpoint?.dialog.modify.mockReturnValueOnce(modifying.promise);
          dialog.remoteAck('v=0 answer-in-ack');
          dialog.remoteBye();
          modifying.resolve('v=0 answer-from-freeswitch');
        } else {
          dialog.remoteBye();
        }
        await expect(answering).rejects.toBeInstanceOf(CallNotPendingError);
        expect(gaveUp).toHaveBeenCalledTimes(1);
        expect(endpoint?.destroy).toHaveBeenCalled();
        expect(media.released).toHaveLength(1);
        expect(dialog.destroy).not.toHaveBeenCalled();
      }
    });

    it('hangs up when no ACK comes', async () => {
      const { media, call, dialog } = lateOffer();
      await expect(call.answer()).rejects.toThrow(/ACK/);
      expect(dialog.destroy).toHaveBeenCalledTimes(1);
      expect(media.released).toHaveLength(1);
    });
  });

  it('frees the endpoint when the CANCEL arrives while it is being made, and sends no 200 OK', async () => {
    const gate = deferred<void>();
    const { req, media, srf, call } = setup((fake) => (fake.gate = gate.promise));
    const cancelled = jest.fn();
    call.onCancelled(cancelled);
    const answering = call.answer();
    req.emit('cancel');
    expect(cancelled).toHaveBeenCalledTimes(1);
    gate.resolve();
    await expect(answering).rejects.toBeInstanceOf(CallNotPendingError);
    expect(srf.createUAS).not.toHaveBeenCalled();
    expect(media.endpoints[0]?.destroy).toHaveBeenCalled();
    expect(media.released).toHaveLength(1);
  });

  it('frees the endpoint when the 200 OK cannot be sent because the caller cancelled', async () => {
    const { req, media, uas, call } = setup();
    const answering = call.answer();
    await flush();
    req.emit('cancel');
    uas.reject(new Error('Response#send: final response already sent'));
    await expect(answering).rejects.toBeInstanceOf(CallNotPendingError);
    expect(media.endpoints[0]?.destroy).toHaveBeenCalled();
  });

  it("a customer who holds is not asked whether they are there (their carrier answers OPTIONS for them), whatever the legs' probe", async () => {
    const { uas, call } = setup(undefined, { everyMs: 5, answerMs: 50 });
    const answering = call.answer();
    const dialog = new FakeDialog();
    uas.resolve(dialog);
    const leg = await answering;
    const held = jest.fn();
    leg.onPhoneHold(held);
    dialog.remoteReinvite('v=0\r\nm=audio 4000 RTP/AVP 0\r\na=sendonly');
    await flush();
    expect(held).toHaveBeenCalledWith(true);
    await new Promise((r) => setTimeout(r, 40));
    expect(dialog.request).not.toHaveBeenCalled();
  });

  it('lets the caller be rejected after a failed answer when no media server is up', async () => {
    const res = { send: jest.fn(), status: 0, reason: '', finalResponseSent: false };
    const noMedia = new SipInboundCall(
      new FakeInviteRequest() as unknown as SipRequest,
      res as unknown as SipResponse,
      '5551234',
      () => {
        throw new MediaUnavailableError();
      },
      { createUAS: jest.fn() },
      silentLog,
    );
    expect(noMedia.mediaServer).toBeUndefined();
    await expect(noMedia.answer()).rejects.toBeInstanceOf(MediaUnavailableError);
    await noMedia.reject(503);
    expect(res.send).toHaveBeenCalledWith(503);
  });

  it('reject after the CANCEL is a no-op; reject twice sends once', async () => {
    const { req, res, call } = setup();
    req.emit('cancel');
    await call.reject(480);
    expect(res.send).not.toHaveBeenCalled();
    const other = setup();
    await other.call.reject(480, 'Temporarily Unavailable');
    await other.call.reject(480);
    expect(other.res.send).toHaveBeenCalledTimes(1);
    expect(other.res.send).toHaveBeenCalledWith(480, 'Temporarily Unavailable');
  });

  it('tells a cancel listener that subscribes after the CANCEL', async () => {
    const { req, call } = setup();
    req.emit('cancel');
    const late = jest.fn();
    call.onCancelled(late);
    await flush();
    expect(late).toHaveBeenCalledTimes(1);
  });
});
