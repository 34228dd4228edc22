import {
  APICallError,
  EmptyResponseBodyError,
  JSONParseError,
  NoObjectGeneratedError,
  NoOutputGeneratedError,
  RetryError,
} from 'ai';
import { describe, expect, it } from 'vitest';
import { FreeModelPoolError } from '../../src/errors.js';
import { classifyFailure, classifyResponseBody, redactSecrets } from '../../src/failures/index.js';
import type { FailureReason } from '../../src/types.js';
import { CAPTURED_ERRORS } from '../fixtures/captured-errors.js';

/**
 * The error bodies OpenRouter sends, in each form seen from it (the account's per-minute and daily
 * 429s, upstream and shared-capacity 429s, 400/401/402/403/404), are the cases below, each classified
 * twice: as the APICallError ai@7 + @openrouter/ai-sdk-provider throw, and as a raw {status, headers, body}.
 */

const FAKE_KEY = 'sk-or-v1-FAKE-test-key-0000';
const URL = 'https://openrouter.ai/api/v1/chat/completions';

/** ai@7 builds APICallError from a failed response like this (headers lower-cased by fetch). */
function apiCallError(status: number, body: unknown, headers: Record<string, string> = {}): APICallError {
  const lower = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
  const data = body as { error?: { message?: string } };
  return new APICallError({
    message: data?.error?.message ?? `HTTP ${status}`,
    url: URL,
    requestBodyValues: {},
    statusCode: status,
    responseHeaders: lower,
    responseBody: typeof body === 'string' ? body : JSON.stringify(body),
    data: typeof body === 'string' ? undefined : body,
    isRetryable: status === 408 || status === 409 || status === 429 || status >= 500,
  });
}

/** The provider's 200-with-error: statusCode 200, data = the inner error object, no responseBody. */
function apiCallError200(inner: { message: string; code?: unknown; metadata?: unknown }): APICallError {
  return new APICallError({
    message: inner.message,
    url: URL,
    requestBodyValues: {},
    statusCode: 200,
    responseHeaders: { 'content-type': 'application/json' },
    data: inner,
  });
}

interface Case {
  name: string;
  status: number;
  body: unknown;
  headers?: Record<string, string>;
  now?: number;
  reason: FailureReason;
  retryAt?: number;
  limit?: number;
  remaining?: number;
  messageIncludes?: string;
}

const T_MINUTE = Date.parse('2026-03-20T22:52:30Z');
const T_DAY = Date.parse('2026-05-20T15:00:00Z');
const NOW = Date.parse('2026-08-05T12:00:00Z');

const CASES: Case[] = [
  // --- 429: account per-minute ------------------------------------------------------------
  {
    name: '429 free-models-per-min (limit 20, real headers)',
    status: 429,
    now: T_MINUTE,
    headers: { 'X-RateLimit-Limit': '20', 'X-RateLimit-Remaining': '0', 'X-RateLimit-Reset': '1774047180000' },
    body: { error: { message: 'Rate limit exceeded: free-models-per-min. ', code: 429, metadata: { provider_name: null } } },
    reason: 'account_minute_limit',
    retryAt: 1774047180000,
    limit: 20,
    remaining: 0,
  },
  // --- 429: account daily -------------------------------------------------------------------
  {
    name: '429 free-models-per-day without any reset → next UTC midnight',
    status: 429,
    now: T_DAY,
    body: { error: { message: 'Rate limit exceeded: free-models-per-day. ', code: 429 } },
    reason: 'account_daily_limit',
    retryAt: Date.parse('2026-05-21T00:00:00Z'),
  },
  {
    name: '429 with only limit_source openrouter_free_tier_daily',
    status: 429,
    body: { error: { message: 'Rate limit exceeded', code: 429, metadata: { limit_source: 'openrouter_free_tier_daily' } } },
    reason: 'account_daily_limit',
    retryAt: Date.parse('2026-08-06T00:00:00Z'),
  },
  // --- 429: per-model shared capacity --------------------------------------------------------
  {
    name: '429 limit_rpm/ High demand',
    status: 429,
    body: {
      error: {
        message:
          'Rate limit exceeded: limit_rpm/qwen/qwen3-coder-480b-a35b-07-25/0b3c9f5e-1111-2222-3333-444455556666. High demand for qwen/qwen3-coder:free on OpenRouter - limited to 8 requests per minute. Please retry shortly.',
        code: 429,
        metadata: { headers: { 'X-RateLimit-Limit': '8', 'X-RateLimit-Remaining': '0', 'X-RateLimit-Reset': String(NOW + 30_000) } },
      },
    },
    reason: 'model_rate_limit',
    retryAt: NOW + 30_000,
    limit: 8,
    messageIncludes: 'High demand for qwen/qwen3-coder:free',
  },
  {
    name: '429 availability: all providers at capacity, Retry after 40 seconds',
    status: 429,
    body: {
      error: {
        code: 429,
        message: 'All providers for qwen/qwen3-coder:free are at capacity. Retry after 40 seconds.',
        metadata: { availability: { code: 'capacity_exhausted', retryable: true } },
      },
    },
    reason: 'model_rate_limit',
    retryAt: NOW + 40_000,
  },
  {
    name: '429 availability.retry_after (seconds)',
    status: 429,
    body: {
      error: {
        code: 429,
        message: 'All providers for x/y:free are at capacity.',
        metadata: { availability: { code: 'capacity_exhausted', retryable: true, retry_after: 12 } },
      },
    },
    reason: 'model_rate_limit',
    retryAt: NOW + 12_000,
  },
  {
    name: '429 with Retry-After header (seconds)',
    status: 429,
    headers: { 'Retry-After': '7' },
    body: { error: { code: 429, message: 'Rate limit exceeded' } },
    reason: 'model_rate_limit',
    retryAt: NOW + 7_000,
  },
  {
    name: '429 gateway-wrapped (string code)',
    status: 429,
    body: { error: { message: 'Too many requests', type: 'rate_limit_error', code: '429' } },
    reason: 'model_rate_limit',
  },
  // --- 400 ----------------------------------------------------------------------------------
  {
    name: '400 context length',
    status: 400,
    body: {
      error: {
        code: 400,
        message:
          "This endpoint's maximum context length is 32768 tokens. However, you requested about 40000 tokens (39000 of text input, 1000 in the output). Please reduce the length of either one.",
      },
    },
    reason: 'context_too_long',
  },
  {
    name: '400 relayed context_length_exceeded',
    status: 400,
    body: {
      error: {
        code: 400,
        message: 'Provider returned error',
        metadata: { raw: '{"error":{"message":"context_length_exceeded","type":"invalid_request_error"}}', provider_name: 'X' },
      },
    },
    reason: 'context_too_long',
  },
  {
    name: '400 "Provider returned error" relayed (other)',
    status: 400,
    body: {
      error: {
        code: 400,
        message: 'Provider returned error',
        metadata: { raw: '{"error":{"message":"Upstream model crashed"}}', provider_name: 'Chutes' },
      },
    },
    // A 400 is never a server error: the provider refused this request, which one other model tells apart.
    reason: 'request_rejected',
    messageIncludes: 'Upstream model crashed',
  },
  {
    name: '400 other bad request',
    status: 400,
    body: { error: { code: 400, message: 'temperature must be between 0 and 2' } },
    reason: 'request_rejected',
  },
  // --- 404 ----------------------------------------------------------------------------------
  {
    name: '404 free variant ended',
    status: 404,
    body: {
      error: {
        code: 404,
        message: 'The free variant of x/y has ended.',
        metadata: { availability: { code: 'free_variant_ended', retryable: false } },
      },
    },
    reason: 'model_gone',
  },
  {
    name: '404 that is not about a model (wrong base URL, HTML page) → bad_request, not model_gone',
    status: 404,
    body: '<html><body>Cannot POST /v1/chat/completions</body></html>',
    reason: 'bad_request',
    messageIncludes: 'OPENROUTER_BASE_URL',
  },
  {
    name: '404 plain-text body (no error object: not the API) → bad_request naming the base URL',
    status: 404,
    body: 'Cannot POST /v1/chat/completions',
    reason: 'bad_request',
    messageIncludes: 'OPENROUTER_BASE_URL ends in /api/v1',
  },
  {
    name: '404 bare JSON "Not found" (an error object in words we do not know) → request_rejected',
    status: 404,
    body: { error: { code: 404, message: 'Not found' } },
    reason: 'request_rejected',
  },
  {
    name: '404 no endpoints support image input',
    status: 404,
    body: { error: { code: 404, message: 'No endpoints found that support image input' } },
    reason: 'unsupported_input',
  },
  {
    name: '404 no endpoints support tool use',
    status: 404,
    body: { error: { code: 404, message: 'No endpoints found that support tool use. Try disabling "web_search".' } },
    reason: 'unsupported_input',
  },
  // --- 5xx ----------------------------------------------------------------------------------
  {
    name: '503 no provider, Retry-After',
    status: 503,
    headers: { 'Retry-After': '5' },
    body: { error: { code: 503, message: 'No available model provider that meets your routing requirements' } },
    reason: 'server_error',
    retryAt: NOW + 5_000,
  },
  { name: '500 plain-text body', status: 500, body: 'Internal Server Error', reason: 'server_error', messageIncludes: 'Internal Server Error' },
];

describe('classifyFailure: the bodies OpenRouter was seen to send (test/fixtures/captured-errors.ts) and variants of them', () => {
  const captured: Case[] = CAPTURED_ERRORS.map((c) => ({ name: `${c.name} [${c.source}]`, status: c.status, headers: c.headers, body: c.body, now: c.now, ...c.expect }));
  for (const c of [...captured, ...CASES]) {
    const now = c.now ?? NOW;
    const check = (f: ReturnType<typeof classifyFailure>) => {
      expect(f.reason).toBe(c.reason);
      expect(f.status).toBe(c.status);
      if (c.retryAt !== undefined) expect(f.retryAt).toBe(c.retryAt);
      if (c.limit !== undefined) expect(f.rateLimitLimit).toBe(c.limit);
      if (c.remaining !== undefined) expect(f.rateLimitRemaining).toBe(c.remaining);
      if (c.messageIncludes) expect(f.message).toContain(c.messageIncludes);
      expect(f.message.length).toBeGreaterThan(0);
    };
    it(`${c.name} (APICallError)`, () => {
      check(classifyFailure(apiCallError(c.status, c.body, c.headers), { now }));
    });
    it(`${c.name} (raw response)`, () => {
      check(classifyFailure({ status: c.status, headers: c.headers, body: c.body }, { now }));
      // The same through classifyResponseBody, with the body as text.
      const text = typeof c.body === 'string' ? c.body : JSON.stringify(c.body);
      check(classifyResponseBody(c.status, text, c.headers, { now })!);
    });
  }
});

describe('errors inside an HTTP 200 body', () => {
  const upstream = {
    code: 429,
    message: 'Provider returned error',
    metadata: { raw: 'google/gemma-3-27b-it:free is temporarily rate-limited upstream.', provider_name: 'Google AI Studio' },
  };

  it('top-level error, as the provider throws it (statusCode 200, data = inner object)', () => {
    const f = classifyFailure(apiCallError200(upstream), { now: NOW });
    expect(f).toMatchObject({ reason: 'model_rate_limit', status: 200 });
    expect(f.message).toContain('rate-limited upstream');
  });

  it('top-level error, raw body with no choices', () => {
    expect(classifyResponseBody(200, { error: upstream }, {}, { now: NOW })).toMatchObject({ reason: 'model_rate_limit', status: 200 });
    expect(classifyFailure({ status: 200, body: { error: upstream } }, { now: NOW }).reason).toBe('model_rate_limit');
  });

  it('a free-models-per-day error inside a 200 stays an account limit', () => {
    const inner = { code: 429, message: 'Rate limit exceeded: free-models-per-day. ' };
    expect(classifyFailure(apiCallError200(inner), { now: NOW }).reason).toBe('account_daily_limit');
    expect(classifyResponseBody(200, { error: inner }, {}, { now: NOW })!.reason).toBe('account_daily_limit');
  });

  it('inner 502 / 503 → server_error, inner 404 no endpoints → model_gone', () => {
    expect(classifyFailure(apiCallError200({ code: 502, message: 'Provider returned error' })).reason).toBe('server_error');
    expect(classifyFailure(apiCallError200({ code: 503, message: 'Overloaded' })).reason).toBe('server_error');
    expect(classifyFailure(apiCallError200({ code: 404, message: 'No endpoints found for a/b:free.' })).reason).toBe('model_gone');
  });

  it('choices[0].finish_reason "error" with choices[0].error', () => {
    const body = {
      id: 'gen-1',
      choices: [
        {
          index: 0,
          finish_reason: 'error',
          message: { role: 'assistant', content: 'partial' },
          error: { code: 429, message: 'Rate limit exceeded', metadata: { error_type: 'rate_limit_exceeded' } },
        },
      ],
    };
    expect(classifyResponseBody(200, body)).toMatchObject({ reason: 'model_rate_limit', status: 200 });
    expect(classifyFailure({ status: 200, headers: {}, body }).reason).toBe('model_rate_limit');
  });

  it('finish_reason "error" without an error object → server_error', () => {
    const body = { choices: [{ index: 0, finish_reason: 'error', message: { role: 'assistant', content: '' } }] };
    expect(classifyResponseBody(200, body)!.reason).toBe('server_error');
  });

  it('mid-stream SSE error chunk, and the bare error object the provider emits as a stream error part', () => {
    const chunk = CAPTURED_ERRORS.find((c) => c.name === 'the mid-stream error event (HTTP 200)')!.body as { error: unknown };
    expect(classifyResponseBody(200, chunk)!.reason).toBe('model_rate_limit');
    expect(classifyFailure(chunk.error).reason).toBe('model_rate_limit');
  });

  it('a normal success body has no error', () => {
    const ok = { id: 'gen-1', choices: [{ index: 0, finish_reason: 'stop', message: { role: 'assistant', content: 'hi' } }] };
    expect(classifyResponseBody(200, ok)).toBeUndefined();
    expect(classifyResponseBody(200, JSON.stringify(ok))).toBeUndefined();
    expect(classifyResponseBody(200, '')).toBeUndefined();
  });

  it('a 200 APICallError without data (unparseable success body) → invalid_output', () => {
    const e = new APICallError({
      message: 'Invalid JSON response',
      url: URL,
      requestBodyValues: {},
      statusCode: 200,
      responseBody: '{"choices": [ oops',
    });
    expect(classifyFailure(e).reason).toBe('invalid_output');
  });

  it('a 200 HTML page where the API should answer → bad_request naming the base URL, without the page', () => {
    const page = `<!DOCTYPE html><html><head><title>OpenRouter</title></head><body>${'<div>nav</div>'.repeat(40)}</body></html>`;
    const e = new APICallError({ message: 'Invalid JSON response', url: URL, requestBodyValues: {}, statusCode: 200, responseBody: page });
    const f = classifyFailure(e);
    expect(f.reason).toBe('bad_request');
    expect(f.message).toMatch(/^The server answered with an HTML page \(HTTP 200\).*OPENROUTER_BASE_URL ends in \/api\/v1$/);
    expect(f.message).not.toContain('<');
  });

  it('a 404 HTML page (base URL without /api/v1) leads with the cause and quotes no markup', () => {
    const page = `<!DOCTYPE html><html><body>${'<p>Not found</p>'.repeat(30)}</body></html>`;
    const e = new APICallError({ message: 'Not Found', url: URL, requestBodyValues: {}, statusCode: 404, responseBody: page });
    const f = classifyFailure(e);
    expect(f.reason).toBe('bad_request');
    expect(f.message).toMatch(/^HTTP 404 from the API itself, not from a model: check that OPENROUTER_BASE_URL ends in \/api\/v1/);
    expect(f.message).not.toContain('<');
    expect(f.message.length).toBeLessThan(200);
  });

  it('a 400 about the image (not an image, missing, unreachable) → bad_request, also when relayed as a provider error', () => {
    for (const [status, body] of [
      [400, { error: { code: 400, message: 'Failed to fetch image', metadata: { reason: 'HTTP 404' } } }],
      [400, { error: { code: 400, message: 'Provider returned error', metadata: { raw: 'Invalid image: the URL did not return an image' } } }],
      [400, { error: { code: 400, message: 'Provider returned error', metadata: { raw: 'Unable to download the image from the given image_url' } } }],
    ] as const) {
      expect(classifyResponseBody(status, body)!.reason, JSON.stringify(body)).toBe('bad_request');
    }
    // A relayed provider 400 that is not about the image is a refused request, never a server error.
    expect(classifyResponseBody(400, { error: { code: 400, message: 'Provider returned error', metadata: { raw: 'internal' } } })!.reason).toBe('request_rejected');
  });
});

describe('timeouts, aborts and network errors', () => {
  it('DOMException TimeoutError → timeout', () => {
    expect(classifyFailure(new DOMException('The operation was aborted due to timeout', 'TimeoutError')).reason).toBe('timeout');
  });

  it('a real AbortSignal.timeout reason → timeout', async () => {
    const signal = AbortSignal.timeout(1);
    await new Promise((r) => setTimeout(r, 5));
    expect(signal.aborted).toBe(true);
    expect(classifyFailure(signal.reason).reason).toBe('timeout');
  });

  it('AbortError → aborted', () => {
    expect(classifyFailure(new DOMException('This operation was aborted', 'AbortError')).reason).toBe('aborted');
    const c = new AbortController();
    c.abort();
    expect(classifyFailure(c.signal.reason).reason).toBe('aborted');
  });

  it('an abort whose cause is a TimeoutError → timeout', () => {
    const e = new DOMException('aborted', 'AbortError');
    const wrapped = Object.assign(new Error('Request aborted'), { name: 'AbortError', cause: new DOMException('t', 'TimeoutError') });
    expect(classifyFailure(wrapped).reason).toBe('timeout');
    expect(classifyFailure(e).reason).toBe('aborted');
  });

  it('an abort while the caller signal is still live was our attempt timeout', () => {
    const caller = new AbortController();
    const e = new DOMException('This operation was aborted', 'AbortError');
    expect(classifyFailure(e, { callerSignal: caller.signal }).reason).toBe('timeout');
    caller.abort();
    expect(classifyFailure(e, { callerSignal: caller.signal }).reason).toBe('aborted');
  });

  it('TypeError fetch failed with socket causes → network_error', () => {
    for (const code of ['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'UND_ERR_SOCKET', 'EAI_AGAIN']) {
      const cause = Object.assign(new Error(`connect ${code} 127.0.0.1:9`), { code });
      const e = new TypeError('fetch failed', { cause });
      expect(classifyFailure(e).reason, code).toBe('network_error');
    }
    expect(classifyFailure(new TypeError('fetch failed')).reason).toBe('network_error');
  });

  it('undici headers timeout → timeout', () => {
    const cause = Object.assign(new Error('Headers Timeout Error'), { code: 'UND_ERR_HEADERS_TIMEOUT' });
    expect(classifyFailure(new TypeError('fetch failed', { cause })).reason).toBe('timeout');
  });

  it('the provider\'s "Cannot connect to API" APICallError (no status) → network_error', () => {
    const cause = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), { code: 'ECONNREFUSED' });
    const e = new APICallError({ message: 'Cannot connect to API: connect ECONNREFUSED', url: URL, requestBodyValues: {}, cause, isRetryable: true });
    expect(classifyFailure(e)).toMatchObject({ reason: 'network_error' });
    expect(classifyFailure(e).status).toBeUndefined();
  });
});

describe('SDK wrapper errors', () => {
  it('RetryError is unwrapped to its last error', () => {
    const errs = [
      apiCallError(503, { error: { code: 503, message: 'Overloaded' } }),
      apiCallError(429, { error: { code: 429, message: 'Rate limit exceeded: free-models-per-min. ' } }),
    ];
    const e = new RetryError({ message: 'Failed after 2 attempts', reason: 'maxRetriesExceeded', errors: errs });
    expect(classifyFailure(e).reason).toBe('account_minute_limit');
  });

  it('NoObjectGeneratedError with a JSONParseError cause → invalid_output', () => {
    const cause = new JSONParseError({ text: '```json\n{"a":1}\n```', cause: new SyntaxError('Unexpected token') });
    const e = new NoObjectGeneratedError({
      message: 'No object generated: could not parse the response.',
      cause,
      text: '```json\n{"a":1}\n```',
      response: { id: 'gen-1', timestamp: new Date(0), modelId: 'a/b:free' },
      usage: {} as never,
      finishReason: 'stop',
    });
    expect(classifyFailure(e).reason).toBe('invalid_output');
    expect(classifyFailure(cause).reason).toBe('invalid_output');
  });

  it('NoOutputGeneratedError and EmptyResponseBodyError → invalid_output', () => {
    expect(classifyFailure(new NoOutputGeneratedError()).reason).toBe('invalid_output');
    expect(classifyFailure(new EmptyResponseBodyError()).reason).toBe('invalid_output');
  });

  it('NoOutputGeneratedError caused by a hidden 429 → model_rate_limit (the cause is more specific)', () => {
    const cause = apiCallError(429, { error: { code: 429, message: 'Rate limit exceeded' } });
    expect(classifyFailure(new NoOutputGeneratedError({ cause })).reason).toBe('model_rate_limit');
  });

  it('a SyntaxError counts as invalid_output only when JSON was expected', () => {
    expect(classifyFailure(new SyntaxError('Unexpected token <'), { expectJson: true }).reason).toBe('invalid_output');
    expect(classifyFailure(new SyntaxError('Unexpected token <')).reason).toBe('server_error');
  });

  it('our own FreeModelPoolError passes through with its reason and retryAt', () => {
    const e = new FreeModelPoolError('wait too long', { reason: 'account_minute_limit', retryAt: NOW + 5 });
    expect(classifyFailure(e)).toMatchObject({ reason: 'account_minute_limit', retryAt: NOW + 5 });
  });

  it('never throws, whatever it is given', () => {
    const circular: { message: string; cause?: unknown } = { message: 'loop' };
    circular.cause = circular;
    for (const v of [null, undefined, 42, 'boom', {}, [], circular, new Error('x'), Symbol('s')]) {
      const f = classifyFailure(v);
      expect(typeof f.reason).toBe('string');
      expect(typeof f.message).toBe('string');
    }
  });
});

describe('secrets never reach a message', () => {
  it('strips keys and bearer tokens from server messages', () => {
    const body = {
      error: {
        code: 401,
        message: `Invalid key ${FAKE_KEY} (header: Authorization: Bearer ${FAKE_KEY})`,
        metadata: { raw: `echo Bearer abc.def.ghi ${FAKE_KEY}` },
      },
    };
    for (const f of [classifyFailure(apiCallError(401, body)), classifyResponseBody(401, body)!]) {
      expect(f.reason).toBe('auth');
      expect(f.message).not.toContain(FAKE_KEY);
      expect(f.message).not.toContain('abc.def.ghi');
    }
  });

  it('strips extra secrets passed by the caller', () => {
    const custom = 'custom-secret-value-123';
    const f = classifyFailure(new Error(`failed with ${custom}`), { secrets: [custom] });
    expect(f.message).not.toContain(custom);
  });

  it('redactSecrets handles several shapes', () => {
    expect(redactSecrets(`a ${FAKE_KEY} b`)).not.toContain('FAKE-test-key');
    expect(redactSecrets('Authorization: Bearer xyz123')).not.toContain('xyz123');
    expect(redactSecrets('{"authorization":"token-xyz"}')).not.toContain('token-xyz');
    expect(redactSecrets('nothing secret here')).toBe('nothing secret here');
    expect(redactSecrets('short abc', ['abc'])).toBe('short abc'); // too short to be a key: left alone
  });
});
