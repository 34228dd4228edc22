export { classifyFailure, classifyResponseBody, type ClassifyContext, type RawResponseLike } from './classify.js';
export {
  getHeader,
  parseNonNegativeNumber,
  parseRateLimitHeaders,
  parseResetValue,
  parseRetryAfter,
  type HeaderSource,
  type RateLimitHeaders,
} from './headers.js';
export { modelEffect, POLICY, REASON_POLICY, reasonDescription, refusedByAccount, type ModelEffect, type ReasonPolicy } from './policy.js';
export { redactDeep, redactError, redactSecrets, REDACTED } from './redact.js';
