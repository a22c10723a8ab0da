import type { Api } from './api';
import type { PersonView, PresenceEvent } from './api-types';
import { type Connection, LiveStream } from './live-stream';

/** Everyone in the directory with their presence, kept current by the presence stream. */
export class LiveDirectory {
  readonly people = new Map<string, PersonView>();
  private listeners: ((personId?: string) => void)[] = [];

  constructor(private readonly api: Api, connection: Connection) {
    new LiveStream(
      api,
      '/v1/presence/stream',
      {
        snapshot: (data) => {
          this.people.clear();
          for (const p of (data as { items: PersonView[] }).items) this.people.set(p.id, p);
          this.changed();
        },
        // A person gone between the event and the read shows at the next snapshot.
        presence: (data) => void this.apply(data as PresenceEvent).catch(() => undefined),
      },
      connection,
    );
  }

  /** Called with the person who changed, or with nothing when everyone may have. */
  onChange(listener: (personId?: string) => void): void {
    this.listeners.push(listener);
  }

  name(personId: string | undefined): string {
    if (!personId) return 'someone';
    return this.people.get(personId)?.displayName ?? personId;
  }

  private async apply(event: PresenceEvent): Promise<void> {
    if (event.removed) {
      this.people.delete(event.personId);
    } else {
      const known = this.people.get(event.personId);
      if (known && !event.profileChanged) known.presence = event.presence;
      else this.people.set(event.personId, await this.api.get<PersonView>(`/v1/experts/${encodeURIComponent(event.personId)}`));
    }
    this.changed(event.personId);
  }

  private changed(personId?: string): void {
    for (const l of this.listeners) l(personId);
  }
}
