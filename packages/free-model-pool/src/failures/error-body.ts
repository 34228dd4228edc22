/**
 * The shapes OpenRouter's error bodies come in: `{error:{code, message, metadata}}`, an error
 * inside a 200 (`choices[0].error`, `finish_reason: "error"`), `metadata.raw` as text, JSON in a
 * string or an object. Pure readers, no classification.
 */

/** `{code, message, metadata}` as OpenRouter sends it (fields loosely typed on purpose). */
export interface ErrorObject {
  code?: unknown;
  message?: unknown;
  metadata?: unknown;
  type?: unknown;
}

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

export function asRecord(v: unknown): Record<string, unknown> | undefined {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}

export function looksLikeErrorObject(v: unknown): boolean {
  const r = asRecord(v);
  return !!r && typeof r.message === 'string' && ('code' in r || 'metadata' in r);
}

export function asErrorObject(v: unknown): ErrorObject | undefined {
  return looksLikeErrorObject(v) ? (v as ErrorObject) : undefined;
}

/** `{error:{…}}` → the inner object (also a bare `{error:"text"}`). */
export function extractErrorObject(body: unknown): ErrorObject | undefined {
  const r = asRecord(body);
  if (!r || !('error' in r)) return undefined;
  const e = r.error;
  if (typeof e === 'string') return { message: e };
  const er = asRecord(e);
  if (!er) return undefined;
  return er as ErrorObject;
}

/** Error inside a 2xx body: top-level `error`, then `choices[0].error`, then `finish_reason: "error"`. */
export function findErrorInSuccessBody(body: unknown): ErrorObject | undefined {
  const top = extractErrorObject(body);
  if (top) return top;
  const r = asRecord(body);
  const choices = r?.choices;
  if (!Array.isArray(choices) || choices.length === 0) return undefined;
  const c0 = asRecord(choices[0]);
  if (!c0) return undefined;
  const inner = asRecord(c0.error);
  if (inner) return inner as ErrorObject;
  if (c0.finish_reason === 'error') {
    return { message: 'The provider ended the response with finish_reason "error"' };
  }
  return undefined;
}

export function parseBody(body: unknown): unknown {
  if (typeof body !== 'string') return body;
  const t = body.trim();
  if (!t.startsWith('{') && !t.startsWith('[')) return body;
  try {
    return JSON.parse(t);
  } catch {
    return body;
  }
}

/** Numeric code from `429` or `"429"`. */
export function toCode(v: unknown): number | undefined {
  if (typeof v === 'number' && Number.isInteger(v)) return v;
  if (typeof v === 'string' && /^\d{3}$/.test(v.trim())) return Number(v.trim());
  return undefined;
}

/** `metadata.raw`: a string (often JSON-in-a-string) or an object; returns readable text. */
export function rawMessage(raw: unknown, depth = 0): string | undefined {
  if (raw === undefined || raw === null || depth > 3) return undefined;
  if (typeof raw === 'string') {
    const parsed = parseBody(raw);
    if (parsed !== raw) return rawMessage(parsed, depth + 1) ?? raw;
    return raw.trim() || undefined;
  }
  const r = asRecord(raw);
  if (!r) return String(raw);
  if (typeof r.message === 'string') return r.message;
  if (r.error !== undefined) return rawMessage(r.error, depth + 1);
  try {
    return JSON.stringify(raw);
  } catch {
    return undefined;
  }
}
