import type { Presence } from './presence';

/** One change on the presence board, as every instance's streams send it. */
export type PresenceEvent =
  | { personId: string; removed: true }
  | { personId: string; removed?: false; presence: Presence; profileChanged: boolean };
