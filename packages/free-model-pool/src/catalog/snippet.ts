import { redactSecrets } from '../failures/redact.js';

/** How many characters of an unexpected response an error message quotes. */
export const SNIPPET_CHARS = 120;

/** First bytes of a response for an error message: whitespace collapsed, secrets redacted. */
export function snippetOf(value: unknown, max = SNIPPET_CHARS): string {
  let text: string;
  if (typeof value === 'string') text = value;
  else {
    try {
      text = JSON.stringify(value) ?? String(value);
    } catch {
      text = String(value);
    }
  }
  const flat = text.replace(/\s+/g, ' ').trim();
  // Redact before cutting, so a key cut in half cannot slip past the pattern.
  const safe = redactSecrets(flat);
  return safe.length > max ? `${safe.slice(0, max)}…` : safe;
}
