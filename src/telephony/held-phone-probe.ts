import type { Logger } from 'pino';
import { DeadlineError, withDeadline } from './deadline';
import type { Dialog } from './drachtio-api';

// A phone holding the call may send no RTP at all, so FreeSWITCH cannot tell a
// dead one from a quiet one (held-media-timeout.ts gives it an hour). While it
// holds, an OPTIONS in its dialog asks: every UA answers OPTIONS (RFC 3261
// 11.2), with a 200 or, if it takes none inside a dialog, a 405 or 501. It is
// gone on a 408 (sofia's own, after its retransmissions went unanswered), a
// 481 (the phone forgot the call: it restarted), a 503 or 410 (sofia's own
// when it cannot reach the phone at all: seen here for a softphone that quit,
// whose port answered ICMP unreachable), or nothing within answerMs.

export interface HeldPhoneProbeTimings {
  /** From the hold, and from each answer, to the next OPTIONS; 0 turns the probe off. */
  everyMs: number;
  answerMs: number;
}

export const DEFAULT_HELD_PHONE_PROBE: HeldPhoneProbeTimings = { everyMs: 30_000, answerMs: 10_000 };

const GONE_STATUSES = new Set([408, 410, 481, 503]);

export class HeldPhoneProbe {
  private timer?: NodeJS.Timeout;
  private running = false;

  constructor(
    private readonly dialog: Pick<Dialog, 'request'>,
    private readonly timings: HeldPhoneProbeTimings,
    private readonly onGone: (why: string) => void,
    private readonly log: Logger,
  ) {}

  /** The phone holds: ask every everyMs until stop(). */
  start(): void {
    if (this.running || this.timings.everyMs <= 0) return;
    this.running = true;
    this.next();
  }

  stop(): void {
    this.running = false;
    clearTimeout(this.timer);
  }

  private next(): void {
    this.timer = setTimeout(() => void this.ask(), this.timings.everyMs);
    this.timer.unref();
  }

  private async ask(): Promise<void> {
    const { answerMs } = this.timings;
    let gone: string | undefined;
    try {
      const answer = (await withDeadline(this.dialog.request({ method: 'OPTIONS' }), answerMs, () => new DeadlineError('OPTIONS', answerMs))) as {
        status?: number;
      };
      if (answer.status !== undefined && GONE_STATUSES.has(answer.status)) gone = `the held phone answered OPTIONS with ${answer.status}`;
    } catch (err) {
      if (err instanceof DeadlineError) gone = `the held phone did not answer OPTIONS within ${answerMs} ms`;
      // Not the phone's doing (drachtio away, say): ask again next time.
      else this.log.warn({ err }, 'could not send OPTIONS to the held phone');
    }
    if (!this.running) return;
    if (!gone) {
      this.next();
      return;
    }
    this.running = false;
    this.onGone(gone);
  }
}
