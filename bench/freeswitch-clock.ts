import type { EslClient } from '../test/e2e/support/esl';

// FreeSWITCH stamps its events with its own clock (a timer thread's tick
// count), not the system's: on the development VM it runs up to ~20 ms behind
// and drifts ~7 ms a second between its re-syncs. Read raw, every time it
// stamps would look early. So the clock's offset is sampled all along: a
// `bgapi echo <token>` sent at t0 comes back as a BACKGROUND_JOB event stamped
// by FreeSWITCH and heard at t1; the stamp belongs near (t0 + t1) / 2, within
// half the round trip. A stamp is placed by the sample with the shortest round
// trip among those within 100 ms of it.

interface Sample {
  /** FreeSWITCH's stamp, ms. */
  fsAt: number;
  /** Ours minus FreeSWITCH's, ms. */
  offset: number;
  /** t1 - t0: twice the most the offset can be wrong by. */
  roundTrip: number;
}

export class FreeswitchClock {
  private readonly samples: Sample[] = [];
  private readonly sentAt = new Map<string, number>();
  private timer?: NodeJS.Timeout;
  private seq = 0;

  private constructor(
    private readonly esl: EslClient,
    private readonly now: () => number,
  ) {}

  /** Starts sampling every `everyMs` on a connection of its own (anything queued before a sample would widen it). */
  static async start(esl: EslClient, now: () => number, everyMs = 50): Promise<FreeswitchClock> {
    const clock = new FreeswitchClock(esl, now);
    await esl.onEvents('BACKGROUND_JOB', (e) => clock.heard(e));
    await clock.sample();
    clock.timer = setInterval(() => void clock.sample(), everyMs);
    return clock;
  }

  /** Our time of a FreeSWITCH stamp (ms). */
  toLocal(fsAt: number): number {
    const near = this.samples.filter((s) => Math.abs(s.fsAt - fsAt) <= 100);
    const best = near.sort((a, b) => a.roundTrip - b.roundTrip)[0];
    if (!best) throw new Error(`no sample of the FreeSWITCH clock within 100 ms of ${fsAt}`);
    return fsAt + best.offset;
  }

  /** How far behind ours FreeSWITCH's clock was (smallest and largest), and the median round trip, ms. */
  summary(): { behindMin: number; behindMax: number; roundTripP50: number } {
    const offsets = this.samples.map((s) => s.offset);
    const trips = this.samples.map((s) => s.roundTrip).sort((a, b) => a - b);
    return { behindMin: Math.min(...offsets), behindMax: Math.max(...offsets), roundTripP50: trips[Math.floor(trips.length / 2)] ?? NaN };
  }

  /** Stops sampling and closes the connection. */
  stop(): void {
    clearInterval(this.timer);
    this.esl.close();
  }

  private async sample(): Promise<void> {
    const token = `clock-${++this.seq}`;
    this.sentAt.set(token, this.now());
    try {
      await this.esl.bgapi(`echo ${token}`);
    } catch {
      // The connection closed (stop()) with this sample in flight: it is lost, nothing else.
      this.sentAt.delete(token);
    }
  }

  private heard(e: Record<string, string>): void {
    const token = e['Job-Command-Arg'] ?? '';
    const sent = this.sentAt.get(token);
    if (sent === undefined) return;
    this.sentAt.delete(token);
    const received = this.now();
    const fsAt = Number(e['Event-Date-Timestamp']) / 1000;
    this.samples.push({ fsAt, offset: (sent + received) / 2 - fsAt, roundTrip: received - sent });
  }
}
