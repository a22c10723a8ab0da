import { LoadCounter, leastLoaded, parseSessionCount } from '../../../src/telephony/media-load';

describe('LoadCounter', () => {
  it('adds the channels we open and close between samples to the last sample', () => {
    const load = new LoadCounter();
    load.sample(10);
    const closeA = load.opened();
    load.opened();
    expect(load.value).toBe(12);
    closeA();
    closeA();
    expect(load.value).toBe(11);
  });

  it('a sample replaces our own count; a channel closed after it still counts down', () => {
    const load = new LoadCounter();
    const close = load.opened();
    load.sample(5);
    expect(load.value).toBe(5);
    close();
    expect(load.value).toBe(4);
  });

  it('never goes below zero', () => {
    const load = new LoadCounter();
    const close = load.opened();
    load.sample(0);
    close();
    expect(load.value).toBe(0);
  });
});

describe('leastLoaded', () => {
  const server = (name: string, load: number, connected = true) => ({ name, load, connected });

  it('picks the connected server with the fewest channels, the first one on a tie', () => {
    expect(leastLoaded([server('a', 5), server('b', 2), server('c', 2)])?.name).toBe('b');
    expect(leastLoaded([server('a', 5), server('b', 0, false)])?.name).toBe('a');
  });

  it('has nothing when no server is connected', () => {
    expect(leastLoaded([server('a', 0, false)])).toBeUndefined();
    expect(leastLoaded([])).toBeUndefined();
  });
});

describe('parseSessionCount', () => {
  it('reads the live count from FreeSWITCH 1.10 `status`, not the other "session(s)" lines', () => {
    const status = [
      'UP 0 years, 0 days, 0 hours, 2 minutes, 22 seconds, 806 milliseconds, 308 microseconds',
      'FreeSWITCH (Version 1.10.12-release  64bit) is ready',
      '57 session(s) since startup',
      '3 session(s) - peak 5, last 5min 4 ',
      '0 session(s) per Sec out of max 100, peak 0, last 5min 0 ',
      '1000 session(s) max',
    ].join('\n');
    expect(parseSessionCount(status)).toBe(3);
    expect(parseSessionCount('-ERR no reply')).toBeUndefined();
  });
});
