import { describe, expect, it } from 'vitest';
import { classifyResponseBody } from '../../src/failures/index.js';
import type { FailureReason } from '../../src/types.js';

/**
 * The structured fields decide, whatever the words: every body here is worded in a way no rule of
 * openrouter-wording.ts knows ("Zorp"), so only its fields can give the reason. Each field is read
 * where OpenRouter has put it: on the error object and inside `error.metadata`.
 */

const NOW = Date.parse('2026-12-01T12:00:00Z');
const WORDS = 'Zorp: the request could not be completed right now.';

function classify(status: number, error: Record<string, unknown>, headers?: Record<string, string>) {
  return classifyResponseBody(status, { error: { code: status, message: WORDS, ...error } }, headers, { now: NOW })!;
}

describe('error.availability.code', () => {
  it('decides each documented code, on the error object or in its metadata', () => {
    const codes: Array<[string, number, FailureReason]> = [
      ['capacity_exhausted', 429, 'model_rate_limit'],
      ['temporarily_unavailable', 503, 'server_error'],
      ['free_variant_ended', 404, 'model_gone'],
      ['model_deprecated', 404, 'model_gone'],
      ['no_endpoints', 404, 'model_gone'],
      ['model_not_found', 400, 'model_gone'],
      ['privacy_restricted', 404, 'excluded_by_settings'],
      ['constraint_filtered', 404, 'excluded_by_settings'],
    ];
    for (const [code, status, reason] of codes) {
      expect(classify(status, { availability: { code, retryable: false } }).reason, `${code} on the error`).toBe(reason);
      expect(classify(status, { metadata: { availability: { code } } }).reason, `${code} in metadata`).toBe(reason);
    }
    // Without fields the same unfamiliar 404 is a refused request (one more model tells), never a removal.
    expect(classify(404, {}).reason).toBe('request_rejected');
  });

  it('privacy_restricted names the privacy settings page; constraint_filtered names the routing setting and what filtered', () => {
    const privacy = classify(404, { availability: { code: 'privacy_restricted' } });
    expect(privacy.message).toMatch(/^the account's privacy settings rule out every endpoint of this model; change them at https:\/\/openrouter\.ai\/settings\/privacy \(Zorp/);
    const routing = classify(404, {
      availability: { code: 'constraint_filtered', constraint: { field: 'provider.ignore', detail: 'every provider of the model is ignored' }, excluded_by: ['account settings'] },
    });
    expect(routing.reason).toBe('excluded_by_settings');
    expect(routing.message).toContain('provider routing settings');
    expect(routing.message).toContain('(provider.ignore: every provider of the model is ignored), excluded by account settings');
    expect(routing.message).toContain('https://openrouter.ai/settings/preferences');
  });

  it('a constraint the request set (require_parameters), or no_endpoints for a kind of input, rules the model out for this request only', () => {
    expect(classify(404, { availability: { code: 'constraint_filtered', constraint: { field: 'provider.require_parameters', detail: 'response_format' } } }).reason).toBe(
      'unsupported_input',
    );
    expect(classify(404, { availability: { code: 'no_endpoints', constraint: { field: 'input_modalities', detail: 'image' } } }).reason).toBe('unsupported_input');
  });

  it('an unknown code decides nothing: the status and the other fields do', () => {
    expect(classify(429, { availability: { code: 'brand_new_code', retryable: true } }).reason).toBe('model_rate_limit');
    expect(classify(404, { availability: { code: 'brand_new_code' }, metadata: { error_type: 'not_found' } }).reason).toBe('model_gone');
  });
});

describe('metadata.limit_source, provider_error_code and error_type', () => {
  it('limit_source decides whose limit a 429 is', () => {
    const sources: Array<[string, FailureReason]> = [
      ['openrouter_free_tier_daily', 'account_daily_limit'],
      ['openrouter_free_tier_per_minute', 'account_minute_limit'],
      ['upstream_provider_shared_pool', 'model_rate_limit'],
      ['openrouter_shared_capacity', 'model_rate_limit'],
      ['openrouter_credits', 'billing'],
    ];
    for (const [source, reason] of sources) expect(classify(429, { metadata: { limit_source: source } }).reason, source).toBe(reason);
  });

  it('engine_overloaded (provider_error_code, or the older provider_code) is the model being busy', () => {
    expect(classify(429, { metadata: { provider_error_code: 'engine_overloaded' } }).reason).toBe('model_rate_limit');
    expect(classify(503, { metadata: { provider_code: 'engine_overloaded' } }).reason).toBe('model_rate_limit');
  });

  it('error_type decides, in metadata or on the error object, when the words say nothing; it never overrules words that say more', () => {
    const types: Array<[string, number, FailureReason]> = [
      ['context_length_exceeded', 400, 'context_too_long'],
      ['content_policy_violation', 403, 'moderation'],
      ['invalid_request', 400, 'request_rejected'],
      ['invalid_image', 400, 'bad_request'],
      ['provider_unavailable', 502, 'server_error'],
      ['authentication', 403, 'auth'],
    ];
    for (const [type, status, reason] of types) {
      expect(classify(status, { metadata: { error_type: type } }).reason, `${type} in metadata`).toBe(reason);
      expect(classify(status, { error_type: type }).reason, `${type} on the error`).toBe(reason);
    }
    // A coarse category is not the scope: the account's per-minute 429 stays the account's; an unknown
    // model id stays gone; a data-policy 404 stays the account's settings.
    const worded = (status: number, message: string, errorType: string) =>
      classifyResponseBody(status, { error: { code: status, message, metadata: { error_type: errorType } } }, {}, { now: NOW })!.reason;
    expect(worded(429, 'Rate limit exceeded: free-models-per-min. ', 'rate_limit_exceeded')).toBe('account_minute_limit');
    expect(worded(400, 'acme/fake-1.0 is not a valid model ID', 'invalid_request')).toBe('model_gone');
    expect(worded(404, 'No endpoints found matching your data policy (Free model publication).', 'not_found')).toBe('excluded_by_settings');
  });
});

describe('the status comes first', () => {
  it('a 429 is a limit and a 5xx the provider whatever the fields say; a 400 is never a server error; 401 and 402 decide alone', () => {
    expect(classify(429, { metadata: { error_type: 'invalid_request' } }).reason).toBe('model_rate_limit');
    expect(classify(502, { metadata: { error_type: 'invalid_request' } }).reason).toBe('server_error');
    expect(classify(400, { metadata: { error_type: 'server' } }).reason).toBe('request_rejected');
    expect(classifyResponseBody(400, { error: { code: 400, message: 'Internal server error in the upstream engine' } })!.reason).toBe('request_rejected');
    expect(classify(401, { metadata: { limit_source: 'upstream_provider_shared_pool' } }).reason).toBe('auth');
    expect(classify(402, { availability: { code: 'capacity_exhausted' } }).reason).toBe('billing');
  });
});

describe('stated waits are floors: the latest of them is when trying again makes sense', () => {
  it('metadata.retry_after_seconds', () => {
    expect(classify(429, { metadata: { limit_source: 'upstream_provider_shared_pool', retry_after_seconds: 6 } }).retryAt).toBe(NOW + 6_000);
  });
  it('availability.retry_after, on the error object', () => {
    expect(classify(503, { availability: { code: 'temporarily_unavailable', retryable: true, retry_after: 6 } }).retryAt).toBe(NOW + 6_000);
  });
  it('several: the latest wins (Retry-After real or mirrored); a wait in words counts only when no field stated one', () => {
    expect(classify(429, { metadata: { headers: { 'Retry-After': '9' } } }).retryAt).toBe(NOW + 9_000);
    const f = classify(429, { availability: { code: 'capacity_exhausted', retry_after: 4 }, metadata: { retry_after_seconds: 12 } }, { 'Retry-After': '8' });
    expect(f.retryAt).toBe(NOW + 12_000);
    const worded = classifyResponseBody(429, { error: { code: 429, message: 'Busy. Retry after 20 seconds.', metadata: { retry_after_seconds: 3 } } }, {}, { now: NOW })!;
    expect(worded.retryAt).toBe(NOW + 3_000);
  });
});

describe('what the body is decides "not the API", not its words', () => {
  it('a 404 with no error object (text, HTML, another JSON shape, empty) names the base URL; a 404 error object in unfamiliar words does not', () => {
    for (const body of ['404 page not found', '<html><body>missing</body></html>', { detail: 'Not Found' }, '']) {
      const f = classifyResponseBody(404, body)!;
      expect(f.reason, JSON.stringify(body)).toBe('bad_request');
      expect(f.message).toMatch(/^HTTP 404 from the API itself, not from a model: check that OPENROUTER_BASE_URL ends in \/api\/v1/);
    }
    const f = classifyResponseBody(404, { error: { code: 404, message: 'Zorp is not here' } })!;
    expect(f.reason).toBe('request_rejected');
    expect(f.message).not.toContain('OPENROUTER_BASE_URL');
  });
});
