// RFC 4180 CSV: a header line, CRLF line ends, fields quoted when they hold a
// comma, quote or line break; an empty field for a missing value.

const field = (value: unknown): string => {
  if (value === null || value === undefined) return '';
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
};

export function toCsv(columns: readonly string[], rows: readonly Record<string, unknown>[]): string {
  return [columns, ...rows.map((row) => columns.map((c) => row[c]))].map((line) => line.map(field).join(',')).join('\r\n') + '\r\n';
}
