import { MediaOperationError } from './errors';
import type { OpenedEndpoint } from './media-servers';

/**
 * The endpoints a media server has handed out and not had back. When the
 * service stops, a dial still under way (a phone that never answers, with
 * drachtio already gone) would never give its endpoint back: hanging up what
 * is left keeps its FreeSWITCH channel from outliving the service, and its
 * event-socket connection from keeping the process alive.
 */
export class EndpointsInUse {
  private readonly held = new Set<OpenedEndpoint>();
  private closed = false;

  /** `discard` hangs an endpoint up and releases it; never throws. */
  constructor(private readonly discard: (opened: OpenedEndpoint) => Promise<void>) {}

  /**
   * The same endpoint, whose release also forgets it here. One that FreeSWITCH
   * finished making after close() is hung up at once instead, and the opening fails.
   */
  track(opened: OpenedEndpoint): OpenedEndpoint {
    if (this.closed) {
      void this.discard(opened);
      throw new MediaOperationError('opening a media endpoint', 'the media server is being closed');
    }
    const tracked: OpenedEndpoint = {
      endpoint: opened.endpoint,
      release: () => {
        this.held.delete(tracked);
        opened.release();
      },
    };
    this.held.add(tracked);
    return tracked;
  }

  /** Hangs up every endpoint still held, and any handed in later; returns how many were held. */
  async close(): Promise<number> {
    this.closed = true;
    const left = [...this.held];
    await Promise.all(left.map((opened) => this.discard(opened)));
    return left.length;
  }
}
