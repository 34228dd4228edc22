import { asRecord, rawMessage, type ErrorObject } from './error-body.js';

/**
 * The structured fields of an OpenRouter error, read before any of its words. Each may sit on the
 * error object itself or in `error.metadata` (OpenRouter has used both places), so both are read,
 * the error object first. Pure readers: junk reads as undefined, never throws.
 */
export interface ErrorFields {
  /** `error.availability` (or `metadata.availability`): why the model cannot be served at all. */
  availability?: {
    /** `capacity_exhausted`, `temporarily_unavailable`, `free_variant_ended`, `no_endpoints`, … */
    code?: string;
    retryable?: boolean;
    /** `retry_after`: seconds to wait (a number or a string), as sent. */
    retryAfter?: unknown;
    /** `constraint: {field, detail}`: which request or account constraint filtered every endpoint. */
    constraint?: { field?: string; detail?: string };
    /** `excluded_by`: what ruled the endpoints out (settings, providers). */
    excludedBy?: string[];
  };
  /** `metadata.limit_source`: whose limit a 429 is (`openrouter_free_tier_daily`, `upstream_provider_shared_pool`, …). */
  limitSource?: string;
  /** `metadata.provider_error_code` (or `provider_code`): the provider's own code, e.g. `engine_overloaded`. */
  providerErrorCode?: string;
  /** `metadata.retry_after_seconds`: the wait the server asks for. */
  retryAfterSeconds?: unknown;
  /** `metadata.error_type` (or `error.error_type`): OpenRouter's typed category, e.g. `context_length_exceeded`. */
  errorType?: string;
  /** `metadata.provider_name`: set when OpenRouter relays one provider's answer. */
  providerName?: string;
  /** `metadata.raw`: the provider's own answer, as readable text. */
  raw?: string;
  /** `metadata.reasons` / `metadata.flagged_input`: a moderation verdict on the input. */
  flagged?: true;
}

function text(v: unknown): string | undefined {
  return typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined;
}

/** A lower-case token: `Engine_Overloaded` → `engine_overloaded`. */
function token(v: unknown): string | undefined {
  const t = text(v);
  return t === undefined ? undefined : t.toLowerCase();
}

function texts(v: unknown): string[] | undefined {
  if (!Array.isArray(v)) return undefined;
  const out = v.filter((x): x is string => typeof x === 'string' && x.trim() !== '');
  return out.length > 0 ? out : undefined;
}

/** The first defined value of `key` on the error object, then on its metadata. */
function pick(err: Record<string, unknown>, meta: Record<string, unknown>, ...keys: string[]): unknown {
  for (const source of [err, meta]) {
    for (const key of keys) if (source[key] !== undefined && source[key] !== null) return source[key];
  }
  return undefined;
}

function readAvailability(v: unknown): ErrorFields['availability'] {
  const a = asRecord(v);
  if (!a) return undefined;
  const out: NonNullable<ErrorFields['availability']> = {};
  const code = token(a.code);
  if (code) out.code = code;
  if (typeof a.retryable === 'boolean') out.retryable = a.retryable;
  if (a.retry_after !== undefined && a.retry_after !== null) out.retryAfter = a.retry_after;
  const c = asRecord(a.constraint);
  if (c) out.constraint = { ...(text(c.field) ? { field: text(c.field) } : {}), ...(text(c.detail) ? { detail: text(c.detail) } : {}) };
  const excluded = texts(a.excluded_by);
  if (excluded) out.excludedBy = excluded;
  return Object.keys(out).length > 0 ? out : undefined;
}

export function readErrorFields(err: ErrorObject): ErrorFields {
  const e = (asRecord(err) ?? {}) as Record<string, unknown>;
  const meta = asRecord(err.metadata) ?? {};
  const fields: ErrorFields = {};
  const availability = readAvailability(pick(e, meta, 'availability'));
  if (availability) fields.availability = availability;
  const limitSource = token(pick(e, meta, 'limit_source'));
  if (limitSource) fields.limitSource = limitSource;
  const providerErrorCode = token(pick(e, meta, 'provider_error_code', 'provider_code'));
  if (providerErrorCode) fields.providerErrorCode = providerErrorCode;
  const retryAfterSeconds = pick(e, meta, 'retry_after_seconds');
  if (retryAfterSeconds !== undefined) fields.retryAfterSeconds = retryAfterSeconds;
  const errorType = token(pick(e, meta, 'error_type'));
  if (errorType) fields.errorType = errorType;
  const providerName = text(meta.provider_name);
  if (providerName) fields.providerName = providerName;
  const raw = rawMessage(meta.raw);
  if (raw) fields.raw = raw;
  if (meta.flagged_input !== undefined || Array.isArray(meta.reasons)) fields.flagged = true;
  return fields;
}
