import type { Api } from './api';

// Server-sent events with our own reconnect: EventSource gives up for good on
// an HTTP error, and the page must say when it is not live. Every (re)open
// calls onOpen, where a screen reloads what it shows, so nothing missed while
// away stays missing.

export type StreamHandlers = Record<string, (data: unknown) => void>;

const RETRY_MS = [1000, 2000, 5000, 10_000];
/**
 * A stream live this long that ends is reopened at once, without the banner:
 * the server ends streams on purpose (after it lost Redis, or when an instance
 * stops). One that ends sooner is not retried at once, so a server that ends
 * every stream it opens is not asked again and again.
 */
const QUIET_REOPEN_AFTER_MS = 3000;

/** The connection state of all the page's streams, for the banner. */
export class Connection {
  private readonly down = new Set<LiveStream>();
  private listeners: ((live: boolean) => void)[] = [];

  onChange(listener: (live: boolean) => void): void {
    this.listeners.push(listener);
  }

  report(stream: LiveStream, live: boolean): void {
    const before = this.down.size === 0;
    if (live) this.down.delete(stream);
    else this.down.add(stream);
    const now = this.down.size === 0;
    if (before !== now) for (const l of this.listeners) l(now);
  }
}

export class LiveStream {
  private source?: EventSource;
  private retry = 0;
  private timer?: number;
  private closed = false;
  private openedAt?: number;

  constructor(
    private readonly api: Api,
    private readonly path: string,
    private readonly handlers: StreamHandlers,
    private readonly connection: Connection,
    private readonly onOpen: () => void = () => undefined,
  ) {
    // Leaving the page (sign-out reloads it) errors the stream: no reconnect, no stray session check.
    window.addEventListener('beforeunload', () => this.close());
    this.open();
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.timer);
    this.source?.close();
    this.connection.report(this, true);
  }

  private open(): void {
    const source = new EventSource(this.api.streamUrl(this.path));
    this.source = source;
    source.onopen = () => {
      this.retry = 0;
      this.openedAt = Date.now();
      this.connection.report(this, true);
      this.onOpen();
    };
    source.onerror = () => {
      source.close();
      if (this.closed) return;
      const wasLive = this.openedAt !== undefined && Date.now() - this.openedAt >= QUIET_REOPEN_AFTER_MS;
      this.openedAt = undefined;
      if (wasLive) {
        this.open();
        return;
      }
      this.connection.report(this, false);
      // A stream cannot show its status; a plain request finds out whether the token still counts.
      void this.api.get('/v1/session').catch(() => undefined);
      this.timer = window.setTimeout(() => this.open(), RETRY_MS[Math.min(this.retry++, RETRY_MS.length - 1)]);
    };
    for (const [event, handle] of Object.entries(this.handlers)) {
      source.addEventListener(event, (e) => handle(JSON.parse((e as MessageEvent<string>).data)));
    }
  }
}

/**
 * Whether the server has this stream at all: an EventSource would retry a
 * missing route forever and the page would wrongly say it is offline.
 */
export async function streamServed(api: Api, path: string): Promise<boolean> {
  const controller = new AbortController();
  try {
    const res = await fetch(path, { headers: { authorization: `Bearer ${api.token}` }, signal: controller.signal });
    if (res.status !== 404) return true;
    const body = (await res.json().catch(() => ({}))) as { message?: string };
    return !body.message?.startsWith('no route');
  } catch {
    return true;
  } finally {
    controller.abort();
  }
}
