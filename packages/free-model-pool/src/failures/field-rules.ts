import type { FailureReason } from '../types.js';
import type { ErrorFields } from './error-fields.js';
import { INPUT_KIND, PRIVACY_LEAD, ROUTING_SETTINGS_URL } from './openrouter-wording.js';

/**
 * The structured fields of an error → a reason. `reasonFromFields` reads the fields that say what
 * happened and to whom, in this order: `availability.code`, `limit_source`, `provider_error_code`, a
 * moderation verdict. `error_type` is a coarser category (one `rate_limit_exceeded` covers the
 * account's limits and a model's, one `invalid_request` an unknown model id and a bad value), so
 * `reasonFromErrorType` is read only after the words, for bodies whose words said nothing.
 * The status comes first: a field whose reason contradicts it (a 429 that is not a limit, a 4xx
 * called a server error, a 5xx called the request's fault) is passed over for the next one.
 */

export interface FieldVerdict {
  reason: FailureReason;
  /** What the user must change, leading the message (the setting that rules the model out). */
  lead?: string;
}

/** `error.availability.code` (OpenRouter's documented codes). Unknown codes decide nothing. */
const AVAILABILITY: Readonly<Record<string, FailureReason>> = {
  capacity_exhausted: 'model_rate_limit',
  temporarily_unavailable: 'server_error',
  free_variant_ended: 'model_gone',
  model_deprecated: 'model_gone',
  model_not_found: 'model_gone',
  model_unavailable_upstream: 'model_gone',
  wrong_endpoint: 'model_gone',
  region_restricted: 'model_gone',
  no_endpoints: 'model_gone',
  privacy_restricted: 'excluded_by_settings',
  constraint_filtered: 'excluded_by_settings',
};

/** `metadata.limit_source`: whose limit a 429 (or 402) is. */
const LIMIT_SOURCES: Readonly<Record<string, FailureReason>> = {
  openrouter_free_tier_daily: 'account_daily_limit',
  openrouter_free_tier_per_minute: 'account_minute_limit',
  upstream_provider_shared_pool: 'model_rate_limit',
  openrouter_shared_capacity: 'model_rate_limit',
  openrouter_credits: 'billing',
};

/** `error_type` (OpenRouter's typed categories, stable across its API skins). */
const ERROR_TYPES: Readonly<Record<string, FailureReason>> = {
  context_length_exceeded: 'context_too_long',
  token_limit_exceeded: 'context_too_long',
  string_too_long: 'context_too_long',
  payload_too_large: 'context_too_long',
  max_tokens_exceeded: 'unsupported_input',
  authentication: 'auth',
  payment_required: 'billing',
  rate_limit_exceeded: 'model_rate_limit',
  provider_overloaded: 'model_rate_limit',
  provider_unavailable: 'server_error',
  server: 'server_error',
  timeout: 'timeout',
  not_found: 'model_gone',
  content_policy_violation: 'moderation',
  refusal: 'moderation',
  permission_denied: 'request_rejected',
  invalid_request: 'request_rejected',
  invalid_prompt: 'request_rejected',
  unprocessable: 'request_rejected',
  precondition_failed: 'request_rejected',
};

/** Constraints the request itself sets (ours: `provider.require_parameters` for structured output). */
const REQUEST_CONSTRAINT = /require_parameters|response_format|structured|tool|max_tokens|modalit|reasoning|parameters/;

function limitSourceReason(source: string): FailureReason | undefined {
  const known = LIMIT_SOURCES[source];
  if (known) return known;
  // Variants of the same codes (a renamed source keeps its parts).
  if (/free_tier/.test(source) && /day|daily/.test(source)) return 'account_daily_limit';
  if (/free_tier/.test(source) && /min/.test(source)) return 'account_minute_limit';
  if (/credit/.test(source)) return 'billing';
  if (/upstream|shared|capacity|provider/.test(source)) return 'model_rate_limit';
  return undefined;
}

function providerCodeReason(code: string): FailureReason | undefined {
  if (/overload|rate_?limit|capacity|exhaust|too_many|throttl|busy/.test(code)) return 'model_rate_limit';
  if (/context|token_limit|too_long/.test(code)) return 'context_too_long';
  if (/timeout|timed_out/.test(code)) return 'timeout';
  if (/unavailable/.test(code)) return 'server_error';
  return undefined;
}

function errorTypeReason(type: string): FailureReason | undefined {
  // Image errors (`invalid_image`, `image_download_failed`, …): the image is unusable for any model.
  if (/image/.test(type)) return 'bad_request';
  return ERROR_TYPES[type];
}

function describeConstraint(a: NonNullable<ErrorFields['availability']>): string {
  const c = a.constraint;
  const what = c?.field ? ` (${c.field}${c.detail ? `: ${c.detail}` : ''})` : '';
  const by = a.excludedBy ? `, excluded by ${a.excludedBy.join(', ')}` : '';
  return `${what}${by}`;
}

function availabilityVerdict(f: ErrorFields, text: string): FieldVerdict | undefined {
  const a = f.availability;
  const reason = a?.code ? AVAILABILITY[a.code] : undefined;
  if (!a || !reason) return undefined;
  const constraintText = `${a.constraint?.field ?? ''} ${a.constraint?.detail ?? ''}`.toLowerCase();
  if (a.code === 'no_endpoints') {
    // "No endpoints found that support image input": this model cannot take the input, but is not gone.
    const aboutInput = INPUT_KIND.test(constraintText) || (/no endpoints found (that|which)/.test(text) && INPUT_KIND.test(text));
    return { reason: aboutInput ? 'unsupported_input' : 'model_gone' };
  }
  if (a.code === 'privacy_restricted') {
    return { reason, lead: PRIVACY_LEAD };
  }
  if (a.code === 'constraint_filtered') {
    // A constraint the request set rules the model out for this request only; the account's routing settings, for every request.
    if (REQUEST_CONSTRAINT.test(constraintText)) {
      return { reason: 'unsupported_input', lead: `no endpoint of this model meets the request's constraint${describeConstraint(a)}` };
    }
    return {
      reason,
      lead: `the account's provider routing settings rule out every endpoint of this model${describeConstraint(a)}; change them at ${ROUTING_SETTINGS_URL}`,
    };
  }
  return { reason };
}

/** Whether a reason can be what a response with this status means. */
function fitsStatus(code: number | undefined, reason: FailureReason): boolean {
  if (code === 429) return reason === 'account_daily_limit' || reason === 'account_minute_limit' || reason === 'model_rate_limit' || reason === 'billing';
  if (code !== undefined && code >= 400 && code < 500) return reason !== 'server_error';
  if (code !== undefined && code >= 500) return reason !== 'request_rejected' && reason !== 'bad_request';
  return true;
}

/**
 * The first reason the deciding fields give that fits the status, or undefined when they give none.
 * `text` (the lower-cased message) only refines `no_endpoints`: whether it is about a kind of input.
 */
export function reasonFromFields(code: number | undefined, f: ErrorFields, text: string): FieldVerdict | undefined {
  const verdicts: Array<FieldVerdict | undefined> = [
    availabilityVerdict(f, text),
    f.limitSource ? wrap(limitSourceReason(f.limitSource)) : undefined,
    f.providerErrorCode ? wrap(providerCodeReason(f.providerErrorCode)) : undefined,
    f.flagged ? { reason: 'moderation' } : undefined,
  ];
  return verdicts.find((v): v is FieldVerdict => v !== undefined && fitsStatus(code, v.reason));
}

/** The reason `error_type` gives when it fits the status, for bodies whose fields and words said nothing. */
export function reasonFromErrorType(code: number | undefined, f: ErrorFields): FailureReason | undefined {
  const reason = f.errorType ? errorTypeReason(f.errorType) : undefined;
  return reason !== undefined && fitsStatus(code, reason) ? reason : undefined;
}

function wrap(reason: FailureReason | undefined): FieldVerdict | undefined {
  return reason ? { reason } : undefined;
}
