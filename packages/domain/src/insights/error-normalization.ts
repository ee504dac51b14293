/**
 * Failure triage groups errors that differ only in their particulars (docs/architecture.md#failure-triage): the
 * variable parts of a message are replaced by placeholders, in this order, so an earlier rule's text is never
 * taken apart by a later one.
 */
const RULES: ReadonlyArray<readonly [RegExp, string]> = [
  // Quoted values: 'x', "x", `x`.
  [/'[^'\n]*'|"[^"\n]*"|`[^`\n]*`/g, '<value>'],
  // URLs, before paths: their paths are part of them.
  [/\b[a-z][a-z0-9+.-]*:\/\/[^\s,;)]+/gi, '<url>'],
  [/\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi, '<uuid>'],
  // Unix paths of two segments or more, and Windows paths.
  [/(?:\b[A-Za-z]:)?(?:[\\/][\w.@~+-]+){2,}[\\/]?/g, '<path>'],
  // 0x-prefixed hex, and hex runs of 8+ characters with a digit in them (hashes, object ids).
  [/\b0x[0-9a-f]+\b/gi, '<hex>'],
  [/\b(?=[0-9a-f]*\d)(?=[0-9a-f]*[a-f])[0-9a-f]{8,}\b/gi, '<hex>'],
  // Numbers, with a sign, decimals and a unit glued to them (3s, 12ms, 500MB) kept as one.
  [/[-+]?\b\d+(?:[.,]\d+)*(?:[a-z]{1,3}\b)?/gi, '<n>'],
];

/** The most a normalized message keeps; longer ones group by their start. */
export const MAX_NORMALIZED_LENGTH = 300;

/** The message with its numbers, ids, paths, hex, uuids and quoted values replaced by placeholders. */
export function normalizeErrorMessage(message: string | null): string {
  if (message === null || message.trim() === '') return '(no message)';
  let text = message;
  for (const [pattern, placeholder] of RULES) text = text.replace(pattern, placeholder);
  text = text.replace(/\s+/g, ' ').trim();
  return text.length <= MAX_NORMALIZED_LENGTH ? text : `${text.slice(0, MAX_NORMALIZED_LENGTH)}…`;
}
