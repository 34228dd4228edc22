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

/** How deep `redactDeep` follows nested objects and causes; deeper values become a placeholder. */
const MAX_REDACT_DEPTH = 12;

/**
 * A copy of `value` with every string in it redacted, for error `cause` chains and event payloads:
 * the AI SDK's errors carry the response body, headers and request values, and a server that
 * echoes the key would otherwise leak it through `JSON.stringify(error)` or `util.inspect`.
 * Errors keep their prototype and own properties (symbol markers included), so `isInstance`
 * checks still work on the copy; other class instances (Response, Headers, streams) become a
 * short placeholder; cycles are preserved.
 */
export function redactDeep<T>(value: T, secrets?: readonly (string | undefined | null)[]): T {
  const seen = new WeakMap<object, unknown>();
  const walk = (v: unknown, depth: number): unknown => {
    if (typeof v === 'string') return redactSecrets(v, secrets);
    if (typeof v !== 'object' || v === null) return v;
    if (seen.has(v)) return seen.get(v);
    if (depth > MAX_REDACT_DEPTH) return '[nested too deep]';
    if (Array.isArray(v)) {
      const out: unknown[] = [];
      seen.set(v, out);
      for (const item of v) out.push(walk(item, depth + 1));
      return out;
    }
    const proto = Object.getPrototypeOf(v);
    const isError = v instanceof Error || typeof (v as { stack?: unknown }).stack === 'string';
    if (!isError && proto !== Object.prototype && proto !== null) {
      if (ArrayBuffer.isView(v)) return `[${proto?.constructor?.name ?? 'binary'} of ${(v as ArrayBufferView).byteLength} bytes]`;
      return `[${proto?.constructor?.name ?? 'object'}]`;
    }
    const out = Object.create(proto) as Record<PropertyKey, unknown>;
    seen.set(v, out);
    for (const key of Reflect.ownKeys(v)) {
      const desc = Object.getOwnPropertyDescriptor(v, key);
      if (!desc) continue;
      if ('value' in desc) {
        Object.defineProperty(out, key, { ...desc, value: walk(desc.value, depth + 1) });
      } else {
        // An accessor: read it once, keep the value.
        let got: unknown;
        try {
          got = (v as Record<PropertyKey, unknown>)[key];
        } catch {
          got = undefined;
        }
        Object.defineProperty(out, key, { value: walk(got, depth + 1), enumerable: desc.enumerable, configurable: true, writable: true });
      }
    }
    return out;
  };
  return walk(value, 0) as T;
}

/**
 * Makes an error this package throws or emits safe to print whole: its message and stack are
 * redacted in place and its `cause` chain is replaced by a redacted copy.
 */
export function redactError<E extends Error>(error: E, secrets?: readonly (string | undefined | null)[]): E {
  const set = (key: 'message' | 'stack', v: unknown) => {
    if (typeof v === 'string') Object.defineProperty(error, key, { value: redactSecrets(v, secrets), writable: true, configurable: true, enumerable: false });
  };
  set('message', error.message);
  set('stack', error.stack);
  if ('cause' in error && error.cause !== undefined) {
    Object.defineProperty(error, 'cause', { value: redactDeep(error.cause, secrets), writable: true, configurable: true, enumerable: false });
  }
  return error;
}
