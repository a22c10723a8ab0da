/**
 * What a person's screen is told while they work, whichever instance their
 * browser is connected to: an offer with its case (the screen pop), its end,
 * escalation progress, and notices.
 */
export const SCREEN_MESSAGE_KINDS = ['offer', 'offer_ended', 'escalation', 'case', 'notice'] as const;
export type ScreenMessageKind = (typeof SCREEN_MESSAGE_KINDS)[number];

export interface ScreenMessage {
  kind: ScreenMessageKind;
  data: unknown;
}

export interface ScreenFeed {
  push(personId: string, message: ScreenMessage): Promise<void>;
  /** Pushes an offer and remembers which escalation it was, for a screen that opens while the phone rings. */
  pushOffer(personId: string, escalationId: string, message: ScreenMessage): Promise<void>;
  /** The escalation last offered to this person, if recent (whether it still rings is the caller's to check). */
  offeredEscalation(personId: string): Promise<string | undefined>;
  /** Returns the function that stops listening. */
  subscribe(personId: string, listener: (message: ScreenMessage) => void): () => void;
}
