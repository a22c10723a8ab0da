import type { EslClient } from '../test/e2e/support/esl';

// FreeSWITCH stamps its events with its own clock, which only moves on its
// timer thread's global tick: 20 ms by default (10 ms once a 30 ms channel
// exists), 1 ms with switch.conf's 1ms-timer, which our configuration sets.
// A stamp is the start of the tick the event fell in, so it reads early by up
// to a tick. This measures how far behind the stamps run, before (c) trusts
// them: a `bgapi echo <token>` sent at t0 comes back as a BACKGROUND_JOB event
// stamped by FreeSWITCH and heard at t1; the stamp belongs near (t0 + t1) / 2.

export interface ClockLag {
  /** The most a stamp was behind the middle of its round trip, ms. */
  maxBehindMs: number;
  /** The median round trip, ms: the measurement's own uncertainty, twice over. */
  roundTripP50Ms: number;
}

export async function measureClockLag(esl: EslClient, now: () => number, samples = 40, everyMs = 7): Promise<ClockLag> {
  const sentAt = new Map<string, number>();
  const behind: number[] = [];
  const trips: number[] = [];
  await esl.onEvents('BACKGROUND_JOB', (e) => {
    const sent = sentAt.get(e['Job-Command-Arg'] ?? '');
    if (sent === undefined) return;
    const received = now();
    behind.push((sent + received) / 2 - Number(e['Event-Date-Timestamp']) / 1000);
    trips.push(received - sent);
  });
  // An interval that is no multiple of a tick, so the samples fall all over it.
  for (let i = 0; i < samples; i += 1) {
    sentAt.set(`clock-${i}`, now());
    await esl.bgapi(`echo clock-${i}`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
  trips.sort((a, b) => a - b);
  return { maxBehindMs: Math.max(...behind), roundTripP50Ms: trips[Math.floor(trips.length / 2)] ?? NaN };
}
