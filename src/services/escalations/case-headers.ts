import type { Call } from '../../domain/call';
import type { Case } from '../../domain/case';

/** Header text from user input: one line, no control characters, bounded. */
const headerText = (value: string, max: number) =>
  value
    // eslint-disable-next-line no-control-regex -- control characters are exactly what must go
    .replace(/[\u0000-\u001f\u007f]+/g, ' ')
    .trim()
    .slice(0, max);

/**
 * What the expert's phone is told about the case: its id and reason, and
 * where to read it (a phone or softphone that shows Call-Info opens it).
 */
export function caseHeaders(call: Call, record: Case, link: string): Record<string, string> {
  return {
    'X-Call-Id': call.id,
    'X-Customer': call.customer,
    'X-Case-Id': record.id,
    'X-Case-Reason': headerText(record.reason, 120),
    'Call-Info': `<${link}>;purpose=info`,
  };
}
