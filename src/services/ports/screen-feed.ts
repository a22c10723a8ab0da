/**
 * What a person's screen is told while they work, whichever instance their
 * browser is connected to: an offer with its case (the screen pop), its end,
 * escalation progress, and notices.
 */
export type ScreenMessageKind = 'offer' | 'offer_ended' | 'escalation' | 'case' | 'notice';

export interface ScreenMessage {
  kind: ScreenMessageKind;
  data: unknown;
}

export interface ScreenFeed {
  push(personId: string, message: ScreenMessage): Promise<void>;
  /** Returns the function that stops listening. */
  subscribe(personId: string, listener: (message: ScreenMessage) => void): () => void;
}
