import { describeStalls, phoneStalls } from '../../bench/phone-stalls';

// bench:live reads the phones' stalls from sipp's error file, as sipp 3.6 writes
// it: one line per event, stamped in epoch seconds, here copied from a run.
const ERRORS = [
  'The following events occurred:',
  '2026-11-24\t01:48:02.215688\t1795484882.215688: SIPp now prefers looking for pcap files next to the scenario.',
  '2026-11-24\t01:48:04.866261\t1795484884.866261: Overload warning: the minor watchdog timer 500ms has been tripped (560), 119 trips remaining.',
  '2026-11-24\t01:48:09.225391\t1795484889.225391: Overload warning: the major watchdog timer 3000ms has been tripped (3036), 9 trips remaining.',
  '2026-11-24\t01:48:09.378770\t1795484889.378770: Call-Id: 1-14158@127.0.0.1, receive timeout on message customer-call:27, jumping to label 30',
  '2026-11-24\t01:48:12.000000\t1795484892.000000: Overload warning: the minor watchdog timer 500ms has been tripped (700), 118 trips remaining.',
].join('');

describe('bench:live: the phones\' stalls', () => {
  it('reads how long each of sipp\'s watchdog trips lasted, within the calls\' window only', () => {
    expect(phoneStalls(ERRORS, 1795484884_000, 1795484890_000)).toEqual([560, 3036]);
    expect(phoneStalls(ERRORS, 1795484885_000, 1795484899_000)).toEqual([3036, 700]);
    expect(phoneStalls('The following events occurred:', 0, Date.now())).toEqual([]);
  });

  it('says how often and how long', () => {
    expect(describeStalls([560, 3036])).toBe('2 times, longest 3036 ms');
    expect(describeStalls([700])).toBe('1 time, longest 700 ms');
    expect(describeStalls([])).toBe('none');
  });
});
