import { z } from 'zod';
import type { LoggedEvent } from '../domain/events';
import { jsonOrText, problemOf } from './stored-record';

// An event as read back from the log (a stream entry or a live message). The
// log is only appended to by this service, but one entry that cannot be read
// (a hand edit, a bug) must not stop everything that reads on past it: the
// reports, the contact records, the webhooks, the screens' replays.
// Types this version does not know (a newer one's, during an upgrade) are
// readable: each reader ignores what it has no use for.

const loggedEventSchema = z.object({
  id: z.string().min(1),
  type: z.string().min(1),
  at: z.iso.datetime(),
  data: z.looseObject({}),
});

/** The event, or why it is not one. */
export function readLoggedEvent(entry: unknown): { event: LoggedEvent } | { problem: string } {
  const checked = loggedEventSchema.safeParse(entry);
  if (checked.success) return { event: checked.data as LoggedEvent };
  return { problem: problemOf(checked.error) };
}

/** A stream entry's fields as an object, its data parsed (left as the text if it is not JSON). */
export function streamEntry(id: string, fields: readonly string[]): Record<string, unknown> {
  const entry: Record<string, unknown> = { id };
  for (let i = 0; i + 1 < fields.length; i += 2) entry[fields[i]!] = fields[i + 1];
  if (typeof entry.data === 'string') entry.data = jsonOrText(entry.data);
  return entry;
}
