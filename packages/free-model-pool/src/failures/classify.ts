import { FreeModelPoolError } from '../errors.js';
import type { ClassifiedFailure } from '../types.js';
import {
  causeChain,
  classifyAbortOrTimeout,
  classifyHttpNode,
  classifyNetwork,
  classifyOther,
  classifyRawResponse,
  messageOf,
  type RawResponseLike,
  type ShapeContext,
} from './error-shapes.js';
import type { HeaderSource } from './headers.js';
import { redactSecrets } from './redact.js';

export type { RawResponseLike };

/**
 * The classifier's entry points. Turns anything an attempt can throw (or a raw response the pool parsed itself) into exactly one
 * `FailureReason`, plus the retry time and rate-limit numbers the limits layer needs.
 *
 * Inputs understood:
 * - ai@7 `APICallError` (HTTP errors; status 200 with `data` = the inner error object for an error
 *   inside a 200 body), `RetryError` (unwrapped to `lastError`), `StreamProviderError`;
 * - `NoObjectGeneratedError`, `AI_JSONParseError`, `NoOutputGeneratedError`, `EmptyResponseBodyError`,
 *   `NoContentGeneratedError`, `TypeValidationError` → invalid_output (unless a cause says more);
 * - `TimeoutError` → timeout, `AbortError` → aborted (timeout when its reason/cause is a TimeoutError
 *   or the caller's own signal is not aborted);
 * - `TypeError: fetch failed` and socket error codes → network_error;
 * - plain `{status, headers, body}` raw responses, `{error:{…}}` bodies and bare `{code, message}`
 *   error objects (what the OpenRouter provider puts in a stream `error` part).
 */

export interface ClassifyContext extends ShapeContext {
  /** Clock for relative retry hints; default `Date.now()`. */
  now?: number;
  /** The attempt wanted JSON: plain `SyntaxError`s and schema validation errors mean invalid_output. */
  expectJson?: boolean;
  /** The caller's own signal. An abort while it is *not* aborted was our attempt timeout. */
  callerSignal?: AbortSignal;
  /** Extra strings to scrub from messages (pass the API key). */
  secrets?: readonly (string | undefined)[];
}

/** Longest message kept in a ClassifiedFailure; provider `raw` blobs can be huge. */
const MAX_MESSAGE_LENGTH = 600;

/** Classifies any thrown value (or raw response). Never throws. */
export function classifyFailure(error: unknown, ctx: ClassifyContext = {}): ClassifiedFailure {
  const now = ctx.now ?? Date.now();
  try {
    const chain = causeChain(error);
    // 1. Anything carrying an HTTP answer is the most specific evidence.
    for (const node of chain) {
      const http = classifyHttpNode(node, now);
      if (http) return finish(http, ctx);
    }
    // 2. Our own errors pass through with their reason.
    for (const node of chain) {
      if (FreeModelPoolError.isInstance(node)) {
        return finish({ reason: node.reason, status: node.status, message: node.message, retryAt: node.retryAt }, ctx);
      }
    }
    // 3. Timeouts and aborts.
    for (const node of chain) {
      const t = classifyAbortOrTimeout(node, chain, ctx);
      if (t) return finish(t, ctx);
    }
    // 4. No response at all.
    for (const node of chain) {
      const n = classifyNetwork(node);
      if (n) return finish(n, ctx);
    }
    // 5. The model answered, but not usefully; SDK usage errors.
    for (const node of chain) {
      const o = classifyOther(node, ctx);
      if (o) return finish(o, ctx);
    }
    return finish({ reason: 'server_error', message: messageOf(error) || 'Unknown error' }, ctx);
  } catch (e) {
    // Classification must never be the thing that crashes a request.
    return finish({ reason: 'server_error', message: `Unclassifiable error: ${messageOf(e)}` }, ctx);
  }
}

/**
 * Classifies an HTTP response body the pool parsed itself. For 2xx returns undefined unless the
 * body carries an error (top-level `error`, `choices[0].error`, or `finish_reason: "error"`).
 * For non-2xx always returns a failure. `body` may be parsed JSON or text.
 */
export function classifyResponseBody(
  status: number,
  body: unknown,
  headers?: HeaderSource,
  opts: { now?: number; secrets?: readonly (string | undefined)[] } = {},
): ClassifiedFailure | undefined {
  const failure = classifyRawResponse(status, body, headers, opts.now ?? Date.now());
  return failure && finish(failure, { secrets: opts.secrets });
}

function finish(f: ClassifiedFailure, ctx: { secrets?: readonly (string | undefined)[] }): ClassifiedFailure {
  let message = redactSecrets(f.message || f.reason, ctx.secrets);
  if (message.length > MAX_MESSAGE_LENGTH) message = `${message.slice(0, MAX_MESSAGE_LENGTH - 1)}…`;
  const out: ClassifiedFailure = { reason: f.reason, message };
  if (f.status !== undefined) out.status = f.status;
  if (f.retryAt !== undefined) out.retryAt = f.retryAt;
  if (f.rateLimitLimit !== undefined) out.rateLimitLimit = f.rateLimitLimit;
  if (f.rateLimitRemaining !== undefined) out.rateLimitRemaining = f.rateLimitRemaining;
  return out;
}
