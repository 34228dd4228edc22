/**
 * Secret scrubbing for anything the engine prints, throws or stores. Applied to every failure
 * message, because server and SDK messages sometimes echo request headers back.
 */

/** OpenRouter keys (`sk-or-v1-…`, also management/provisioning variants). */
const OPENROUTER_KEY = /sk-or-[A-Za-z0-9_-]*/g;
/** `Bearer <token>` in echoed headers or messages. */
const BEARER = /\bBearer\s+[^\s"',;}\]]+/gi;
/** `Authorization: <anything>` up to the end of the value. */
const AUTH_HEADER = /(\bauthorization["']?\s*[:=]\s*["']?)[^"',;}\]\r\n]+/gi;

/** Shortest extra secret we replace verbatim; shorter strings would blank out ordinary words. */
const MIN_EXTRA_SECRET_LENGTH = 8;

export const REDACTED = '[REDACTED]';

/**
 * Returns `text` with OpenRouter keys, bearer tokens and any of `extraSecrets` replaced by
 * `[REDACTED]`. Pass the configured API key in `extraSecrets` so keys of other shapes are caught too.
 */
export function redactSecrets(text: string, extraSecrets?: readonly (string | undefined | null)[]): string {
  // Whole Authorization values first, so a `Bearer …` inside one is not redacted twice; the
  // verbatim secrets last, so no pattern above can cut into an already-redacted marker.
  let out = String(text)
    .replace(AUTH_HEADER, (_m, prefix: string) => `${prefix}${REDACTED}`)
    .replace(BEARER, `Bearer ${REDACTED}`)
    .replace(OPENROUTER_KEY, REDACTED);
  for (const secret of extraSecrets ?? []) {
    if (typeof secret === 'string' && secret.length >= MIN_EXTRA_SECRET_LENGTH) {
      out = out.split(secret).join(REDACTED);
    }
  }
  return out;
}
