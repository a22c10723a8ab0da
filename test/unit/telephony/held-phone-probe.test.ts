import { HeldPhoneProbe } from '../../../src/telephony/held-phone-probe';
import { silentLog } from './fakes';

const timings = { everyMs: 5, answerMs: 50 };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function probeAnswering(answer: (call: number) => Promise<unknown>) {
  let calls = 0;
  const dialog = { request: jest.fn((_opts: { method: string }) => answer(++calls)) };
  const gone = jest.fn();
  const probe = new HeldPhoneProbe(dialog, timings, gone, silentLog);
  return { dialog, gone, probe };
}

/** Until the probe has asked `count` times, or it has given up. */
async function asked(dialog: { request: jest.Mock }, gone: jest.Mock, count: number) {
  for (let i = 0; i < 400 && dialog.request.mock.calls.length < count && gone.mock.calls.length === 0; i += 1) await sleep(5);
}

describe('the probe of a phone that holds the call', () => {
  it('asks with an OPTIONS in the dialog, again after each answer; a 200, 405 or 501 is a phone that is there', async () => {
    const statuses = [200, 405, 501, 200];
    const { dialog, gone, probe } = probeAnswering((call) => Promise.resolve({ status: statuses[call - 1] ?? 200 }));
    probe.start();
    await asked(dialog, gone, 5);
    probe.stop();
    expect(dialog.request.mock.calls.length).toBeGreaterThanOrEqual(5);
    expect(dialog.request).toHaveBeenCalledWith({ method: 'OPTIONS' });
    expect(gone).not.toHaveBeenCalled();
  });

  it.each([408, 410, 481, 503])('a %s says the phone is gone: told once, and no more asking', async (status) => {
    const { dialog, gone, probe } = probeAnswering((call) => Promise.resolve({ status: call === 1 ? 200 : status }));
    probe.start();
    await asked(dialog, gone, 3);
    await sleep(30);
    expect(gone.mock.calls).toEqual([[`the held phone answered OPTIONS with ${status}`]]);
    expect(dialog.request).toHaveBeenCalledTimes(2);
  });

  it('no answer within answerMs says the phone is gone', async () => {
    const { dialog, gone, probe } = probeAnswering(() => new Promise(() => undefined));
    probe.start();
    await asked(dialog, gone, 2);
    expect(gone.mock.calls).toEqual([[`the held phone did not answer OPTIONS within ${timings.answerMs} ms`]]);
    expect(dialog.request).toHaveBeenCalledTimes(1);
  });

  it('an OPTIONS that cannot be sent (drachtio away) is not the phone gone: it asks again', async () => {
    const { dialog, gone, probe } = probeAnswering((call) => (call === 1 ? Promise.reject(new Error('socket closed')) : Promise.resolve({ status: 200 })));
    probe.start();
    await asked(dialog, gone, 3);
    probe.stop();
    expect(dialog.request.mock.calls.length).toBeGreaterThanOrEqual(3);
    expect(gone).not.toHaveBeenCalled();
  });

  it('a phone that resumes while an OPTIONS is out is not taken for gone when that OPTIONS then gets a 408', async () => {
    let answer!: (status: number) => void;
    const { dialog, gone, probe } = probeAnswering(() => new Promise((resolve) => (answer = (status) => resolve({ status }))));
    probe.start();
    await asked(dialog, gone, 1);
    probe.stop();
    answer(408);
    await sleep(30);
    expect(gone).not.toHaveBeenCalled();
    expect(dialog.request).toHaveBeenCalledTimes(1);
  });

  it('asks nothing once stopped (the phone resumed, the leg ended), nor when turned off', async () => {
    const { dialog, gone, probe } = probeAnswering(() => Promise.resolve({ status: 408 }));
    probe.start();
    probe.stop();
    const off = probeAnswering(() => Promise.resolve({ status: 408 }));
    const offProbe = new HeldPhoneProbe(off.dialog, { everyMs: 0, answerMs: 50 }, off.gone, silentLog);
    offProbe.start();
    await sleep(40);
    expect(dialog.request).not.toHaveBeenCalled();
    expect(off.dialog.request).not.toHaveBeenCalled();
    expect(gone).not.toHaveBeenCalled();
  });
});
