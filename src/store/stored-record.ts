import type { z } from 'zod';

// Records read back from Redis were written by another instance, maybe of
// another version (during an upgrade), or edited by hand: each is checked
// against its schema, and one that fails is named rather than trusted.

/**
 * The record in `json` (with the fields of `kept`, stored beside it, added),
 * or why it is not one (not JSON, or a field missing or of the wrong kind).
 */
export function readStoredRecord<T>(schema: z.ZodType<T>, json: string, kept: Record<string, unknown> = {}): { record: T } | { problem: string } {
  const doc = jsonOrText(json);
  // Only text that is not JSON comes back as itself (a JSON string has its quotes taken off).
  if (doc === json) return { problem: 'not JSON' };
  const checked = schema.safeParse(typeof doc === 'object' && doc !== null ? { ...doc, ...kept } : doc);
  if (checked.success) return { record: checked.data };
  return { problem: problemOf(checked.error) };
}

/** What a check found wrong, field by field, in one line. */
export const problemOf = (error: z.ZodError): string =>
  error.issues.map((i) => `${i.path.join('.') || 'record'}: ${i.message}`).join('; ');

/** Text from Redis as JSON, or the text itself when it is not JSON (a check then names it). */
export function jsonOrText(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
