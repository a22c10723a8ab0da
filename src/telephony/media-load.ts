/**
 * A media server's load in channels. FreeSWITCH's own count is sampled every
 * few seconds; between samples the endpoints we open and close move it, so a
 * burst of new rooms spreads over the servers before the next sample.
 */
export class LoadCounter {
  private sampled = 0;
  private sinceSample = 0;

  /** FreeSWITCH's count of channels (all of them, other service instances' too). */
  sample(channels: number): void {
    this.sampled = channels;
    this.sinceSample = 0;
  }

  /** We opened a channel. Returns the matching close, safe to call more than once. */
  opened(): () => void {
    this.sinceSample += 1;
    let closed = false;
    return () => {
      if (closed) return;
      closed = true;
      this.sinceSample -= 1;
    };
  }

  get value(): number {
    return Math.max(0, this.sampled + this.sinceSample);
  }
}

export interface Loaded {
  readonly name: string;
  readonly connected: boolean;
  readonly load: number;
}

/** The connected server with the fewest channels; the first in configuration order on a tie. */
export function leastLoaded<T extends Loaded>(servers: readonly T[]): T | undefined {
  let best: T | undefined;
  for (const server of servers) {
    if (!server.connected) continue;
    if (!best || server.load < best.load) best = server;
  }
  return best;
}

/**
 * The live session count from the `status` API ("3 session(s) - peak 5, last
 * 5min 4"). It is the core's in-memory count; `show channels count` reads the
 * core database, which lags behind.
 */
export function parseSessionCount(statusReply: string): number | undefined {
  const match = /^(\d+) session\(s\) - peak/m.exec(statusReply);
  return match?.[1] === undefined ? undefined : Number(match[1]);
}
