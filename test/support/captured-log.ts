import pino, { type Level } from 'pino';

/** A logger whose lines at `level` and above are kept, parsed, for a test to read. */
export function capturedLog<Line = { msg: string }>(level: Level) {
  const lines: Line[] = [];
  const log = pino({ level }, { write: (line: string) => lines.push(JSON.parse(line) as Line) });
  return { log, lines };
}
