/**
 * The simulator speaks more than one dialect, so tests can show that a client reads OpenRouter's
 * structured fields and does not depend on one phrasing:
 *
 * - `captured` (default): the words and fields OpenRouter was seen to send; for kinds with no capture
 *   (an image that cannot be fetched, a constraint that filtered every endpoint), the fields OpenRouter
 *   documents with the simulator's own words.
 * - `structured`: every structured field OpenRouter documents for the kind, on the error object
 *   (`availability`, `error_type`) and in `metadata` (`limit_source`, `retry_after_seconds`,
 *   `provider_error_code`), with messages in words OpenRouter has not used.
 * - `terse`: the same facts in the fields' other places (`metadata.availability`, `provider_code`,
 *   `Retry-After` mirrored in `metadata.headers`) and short, unfamiliar words.
 *
 * Kinds that have no structured field (an image that cannot be fetched, a refused request) differ
 * only in their words.
 */
import { SIM_USER_ID, type WireError } from '../wire-errors.js';

export const ERROR_DIALECTS = ['captured', 'structured', 'terse'] as const;
export type ErrorDialect = (typeof ERROR_DIALECTS)[number];

/** What an error body may need to know about the call it answers. */
export interface ErrorContext {
  dialect: ErrorDialect;
  model: string;
  provider: string;
  /** The wait the model states (scenario `retryAfterSeconds`), when it states one. */
  waitSeconds?: number;
}

/** `{error:{message, code, …extra, metadata}, user_id}`: extra fields sit on the error object itself. */
export function body(
  code: number,
  message: string,
  metadata?: Record<string, unknown>,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return { error: { message, code, ...extra, ...(metadata && Object.keys(metadata).length > 0 ? { metadata } : {}) }, user_id: SIM_USER_ID };
}

export function wire(status: number, b: Record<string, unknown>, headers?: Record<string, string>): WireError {
  return { status, body: b, ...(headers && Object.keys(headers).length > 0 ? { headers } : {}) };
}

/** `{code, retryable, retry_after?, requested_models, …}` as OpenRouter documents `error.availability`. */
export function availability(code: string, model: string, retryable: boolean, waitSeconds?: number, more: Record<string, unknown> = {}) {
  return {
    code,
    retryable,
    ...(waitSeconds !== undefined ? { retry_after: waitSeconds } : {}),
    requested_models: [model],
    ...more,
    docs_url: `https://openrouter.ai/docs/errors#${code}`,
  };
}

/** `Retry-After: <s>` when a wait is stated (the captured dialect's way of stating it). */
export function retryAfterHeader(waitSeconds: number | undefined): Record<string, string> {
  return waitSeconds === undefined ? {} : { 'Retry-After': String(waitSeconds) };
}

/** The structured dialect's way: `metadata.retry_after_seconds`. */
export function retryAfterField(waitSeconds: number | undefined): Record<string, number> {
  return waitSeconds === undefined ? {} : { retry_after_seconds: waitSeconds };
}

/** The terse dialect's way: the same header, mirrored in `metadata.headers` only. */
export function mirroredRetryAfter(waitSeconds: number | undefined): Record<string, unknown> {
  return waitSeconds === undefined ? {} : { headers: { 'Retry-After': String(waitSeconds) } };
}
