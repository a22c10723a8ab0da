import { cancelLostInvite, hangUpLostLeg } from '../../../src/telephony/lost-leg';
import type { MediaChannels } from '../../../src/telephony/media-servers';
import { silentLog } from './fakes';

const handles = { dialogId: 'a84b4c76e66710@pc33;from-tag=1928301774', channelId: '2f2dc6ea-b736-458c-a190-bddcbc94bcd2' };

function fakes(reply: Promise<string> = Promise.resolve('+OK\n')) {
  const srf = { request: jest.fn((_opts: { uri: string; method: string; stackDialogId?: string; stackTxnId?: string }) => Promise.resolve({})) };
  const media: MediaChannels = { name: 'fs1', openEndpoint: jest.fn(), api: jest.fn((_command: string) => reply) };
  return { srf, media };
}

describe("a lost call's leg (its instance stopped)", () => {
  it("gets a BYE inside the phone's dialog, by drachtio's dialog id, and its FreeSWITCH channel killed", async () => {
    const { srf, media } = fakes();
    await hangUpLostLeg(srf, media, handles, 1000, silentLog);
    expect(srf.request).toHaveBeenCalledWith({ uri: 'sip:placeholder', method: 'BYE', stackDialogId: handles.dialogId });
    expect(media.api).toHaveBeenCalledWith(`uuid_kill ${handles.channelId}`);
  });

  it('never throws: a dialog drachtio no longer has, a channel already gone, a media server that does not answer', async () => {
    const { srf, media } = fakes(new Promise<string>(() => undefined));
    srf.request.mockRejectedValueOnce(new Error('unable to find dialog'));
    await expect(hangUpLostLeg(srf, media, handles, 20, silentLog)).resolves.toBeUndefined();
    const gone = fakes(Promise.resolve('-ERR No such channel!\n'));
    await expect(hangUpLostLeg(gone.srf, gone.media, handles, 1000, silentLog)).resolves.toBeUndefined();
  });

  it('sends no API command for a channel id that is not a uuid (it goes into a command line), nor without its media server; the phone still gets its BYE', async () => {
    const { srf, media } = fakes();
    await hangUpLostLeg(srf, media, { ...handles, channelId: 'x; fsctl shutdown' }, 1000, silentLog);
    await hangUpLostLeg(srf, undefined, handles, 1000, silentLog);
    expect(media.api).not.toHaveBeenCalled();
    expect(srf.request).toHaveBeenCalledTimes(2);
  });

  it("a phone still ringing for it gets a CANCEL of its INVITE, by drachtio's transaction id; one drachtio no longer has is let be", async () => {
    const { srf } = fakes();
    await cancelLostInvite(srf, 'txn-7', 1000, silentLog);
    expect(srf.request).toHaveBeenCalledWith({ uri: 'sip:placeholder', method: 'CANCEL', stackTxnId: 'txn-7' });
    srf.request.mockRejectedValueOnce(new Error('unable to cancel unknown transaction id: txn-8'));
    await expect(cancelLostInvite(srf, 'txn-8', 1000, silentLog)).resolves.toBeUndefined();
  });
});
