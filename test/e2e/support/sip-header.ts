/**
 * The first value of a header in a SIP message's text (name case-insensitive,
 * full names as sipp and drachtio send them), read from its header lines only.
 */
export function sipHeader(message: string, name: string): string | undefined {
  const wanted = name.toLowerCase();
  // Past the request or status line.
  let start = message.indexOf('\n') + 1;
  while (start > 0 && start < message.length) {
    const end = message.indexOf('\n', start);
    const line = message.slice(start, end < 0 ? message.length : end).replace(/\r$/, '');
    if (line === '') return undefined;
    const colon = line.indexOf(':');
    if (colon > 0 && line.slice(0, colon).trim().toLowerCase() === wanted) return line.slice(colon + 1).trim();
    if (end < 0) return undefined;
    start = end + 1;
  }
  return undefined;
}
