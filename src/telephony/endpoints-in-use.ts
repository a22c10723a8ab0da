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

  /** The same endpoint, whose release also forgets it here. */
  track(opened: OpenedEndpoint): OpenedEndpoint {
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

  /** Hangs up every endpoint still held (`discard` hangs up and releases); returns how many. */
  async hangUpAll(discard: (opened: OpenedEndpoint) => Promise<void>): Promise<number> {
    const left = [...this.held];
    await Promise.all(left.map(discard));
    return left.length;
  }
}
