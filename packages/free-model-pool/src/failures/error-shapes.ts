import { APICallError, RetryError } from 'ai';
import type { ClassifiedFailure } from '../types.js';
import { asErrorObject, asRecord, extractErrorObject, findErrorInSuccessBody, isPlainObject, looksLikeErrorObject, parseBody, type ErrorObject } from './error-body.js';
import type { HeaderSource } from './headers.js';
import { classifyErrorObject } from './classify-error-object.js';

/**
 * The shapes errors take on their way to us: ai@7's APICallError, RetryError and
 * StreamProviderError, Node's fetch and socket errors, aborts and timeouts, the AI SDK's output
 * errors, and raw responses the pool parsed itself. Each finder returns a draft or undefined; an
 * HTTP answer goes on to the OpenRouter wording rules.
 */

/** How deep `.cause` / `lastError` chains are followed. */
const MAX_CAUSE_DEPTH = 8;

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENETDOWN',
  'ECONNABORTED',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_CLOSED',
  'ConnectionRefused',
  'ConnectionClosed',
  'FailedToOpenSocket',
]);
/** undici codes that mean the server connected but did not answer in time. */
const TIMEOUT_CODES = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']);

const INVALID_OUTPUT_NAMES = new Set([
  'AI_NoObjectGeneratedError',
  'AI_JSONParseError',
  'AI_NoOutputGeneratedError',
  'AI_EmptyResponseBodyError',
  'AI_NoContentGeneratedError',
  'AI_TypeValidationError',
  'AI_InvalidResponseDataError',
]);

/** What the classifier is told about the attempt. */
export interface ShapeContext {
  expectJson?: boolean;
  callerSignal?: AbortSignal;
}

/** Raw response form the pool can pass when it parsed a response itself. */
export interface RawResponseLike {
  status: number;
  headers?: HeaderSource;
  /** Parsed JSON or the body text. */
  body?: unknown;
}

export function classifyHttpNode(node: unknown, now: number): ClassifiedFailure | undefined {
  if (APICallError.isInstance(node)) {
    const status = typeof node.statusCode === 'number' ? node.statusCode : undefined;
    if (status === undefined) return undefined; // "Cannot connect to API": handled as network
    const headers = node.responseHeaders as HeaderSource;
    const fromData = extractErrorObject(node.data) ?? (status === 200 ? asErrorObject(node.data) : undefined);
    const fromBody = extractErrorObject(parseBody(node.responseBody));
    const errObj = fromData ?? fromBody;
    if (errObj) return classifyErrorObject(status, errObj, headers, now);
    if (status >= 200 && status < 300) {
      // A web page where the API should be: the base URL points at a site, not at OpenRouter's API.
      if (isHtml(node.responseBody)) return notTheApi(status);
      // "Invalid JSON response" / "Failed to process successful response": the answer was unusable.
      return { reason: 'invalid_output', status, message: node.message || 'Unparseable response' };
    }
    if (status === 404) return notTheApi(status, node.responseBody);
    return classifyErrorObject(status, { message: bodyText(node.responseBody) ?? node.message ?? `HTTP ${status}` }, headers, now);
  }
  if (isStreamProviderError(node)) {
    const status = typeof node.statusCode === 'number' ? node.statusCode : 200;
    const errObj = extractErrorObject(node.data) ?? asErrorObject(node.data) ?? { code: node.code, message: node.message };
    if (errObj.code === undefined && node.code !== undefined) errObj.code = node.code;
    return classifyErrorObject(status, errObj, undefined, now);
  }
  if (isRawResponse(node)) return classifyRawResponse(node.status, node.body, node.headers, now);
  // A parsed body `{error:{…}}` or a bare stream error object `{code, message}`.
  if (isPlainObject(node)) {
    const inner = findErrorInSuccessBody(node) ?? (looksLikeErrorObject(node) ? (node as ErrorObject) : undefined);
    if (inner) return classifyErrorObject(200, inner, undefined, now);
  }
  return undefined;
}

/**
 * A response read as status and body: for 2xx only an error inside the body counts (undefined
 * otherwise); any other status is a failure, described by its error object or its text.
 */
export function classifyRawResponse(status: number, body: unknown, headers: HeaderSource, now: number): ClassifiedFailure | undefined {
  const parsed = parseBody(body);
  if (status >= 200 && status < 300) {
    const inner = findErrorInSuccessBody(parsed);
    return inner ? classifyErrorObject(status, inner, headers, now) : undefined;
  }
  const errObj = extractErrorObject(parsed);
  if (errObj) return classifyErrorObject(status, errObj, headers, now);
  if (status === 404) return notTheApi(status, body);
  return classifyErrorObject(status, { message: bodyText(body) ?? `HTTP ${status}` }, headers, now);
}

/** An HTML document (a web page, a proxy's error page) rather than an API answer. */
function isHtml(body: unknown): boolean {
  return typeof body === 'string' && /^\s*(<!doctype html|<html|<head|<body)/i.test(body);
}

/**
 * A body's text for an error message, or undefined when it has none. An HTML page is never
 * quoted: it buries the cause under markup, so it is named instead.
 */
function bodyText(body: unknown): string | undefined {
  if (typeof body !== 'string' || body.trim() === '') return undefined;
  return isHtml(body) ? 'the server answered with an HTML page, not an API error' : body;
}

/**
 * A response that is not an API answer at all: an HTML page where a 200 should be, or a 404 with no
 * `error` object (a web server's page, or a path that does not exist). Decided by what the body is,
 * not by its words: the base URL points somewhere that is not OpenRouter's API, and every model
 * would get the same answer, so nothing is cooled or removed.
 */
function notTheApi(status: number, body?: unknown): ClassifiedFailure {
  if (status !== 404) {
    return {
      reason: 'bad_request',
      status,
      message: `The server answered with an HTML page (HTTP ${status}), not OpenRouter's API: check that OPENROUTER_BASE_URL ends in /api/v1`,
    };
  }
  const text = bodyText(body);
  return {
    reason: 'bad_request',
    status,
    message: `HTTP 404 from the API itself, not from a model: check that OPENROUTER_BASE_URL ends in /api/v1${text ? ` (${text.slice(0, 200)})` : ''}`,
  };
}

export function classifyAbortOrTimeout(node: unknown, chain: unknown[], ctx: ShapeContext): ClassifiedFailure | undefined {
  const name = nameOf(node);
  if (name === 'TimeoutError') return { reason: 'timeout', message: messageOf(node) || 'The attempt timed out' };
  if (name === 'AbortError' || name === 'ResponseAborted') {
    // An abort caused by a timeout (reason or cause is a TimeoutError) is a timeout.
    const reason = (node as { reason?: unknown }).reason;
    const viaTimeout = nameOf(reason) === 'TimeoutError' || chain.some((n) => nameOf(n) === 'TimeoutError');
    // Our own attempt-timeout signal aborted while the caller's signal did not: a timeout too.
    const notTheCaller = ctx.callerSignal !== undefined && !ctx.callerSignal.aborted;
    if (viaTimeout || notTheCaller) return { reason: 'timeout', message: messageOf(node) || 'The attempt timed out' };
    return { reason: 'aborted', message: messageOf(node) || 'Aborted' };
  }
  const code = codeOf(node);
  if (code && TIMEOUT_CODES.has(code)) return { reason: 'timeout', message: messageOf(node) || code };
  return undefined;
}

export function classifyNetwork(node: unknown): ClassifiedFailure | undefined {
  const code = codeOf(node);
  if (code && NETWORK_CODES.has(code)) return { reason: 'network_error', message: `${messageOf(node) || 'Network error'}`.trim() };
  const msg = messageOf(node).toLowerCase();
  if (node instanceof TypeError && (msg === 'fetch failed' || msg === 'failed to fetch')) {
    return { reason: 'network_error', message: messageOf(node) };
  }
  if (APICallError.isInstance(node) && node.statusCode === undefined) {
    return { reason: 'network_error', message: node.message || 'Cannot connect to API' };
  }
  if (/socket hang up|other side closed|network error|cannot connect to api/.test(msg)) {
    return { reason: 'network_error', message: messageOf(node) };
  }
  return undefined;
}

export function classifyOther(node: unknown, ctx: ShapeContext): ClassifiedFailure | undefined {
  const name = nameOf(node);
  if (name && INVALID_OUTPUT_NAMES.has(name)) return { reason: 'invalid_output', message: messageOf(node) || name };
  if (ctx.expectJson && (node instanceof SyntaxError || name === 'ZodError')) {
    return { reason: 'invalid_output', message: messageOf(node) || 'Invalid JSON' };
  }
  if (name === 'AI_LoadAPIKeyError') return { reason: 'auth', message: messageOf(node) };
  if (name === 'AI_UnsupportedFunctionalityError') return { reason: 'unsupported_input', message: messageOf(node) };
  if (name === 'AI_DownloadError' || name === 'AI_InvalidPromptError' || name === 'AI_InvalidArgumentError') {
    // The input itself is unusable (an image URL that cannot be fetched, a malformed prompt).
    return { reason: 'bad_request', message: messageOf(node) };
  }
  return undefined;
}

/** The error, then `lastError` of retry errors and `.cause`s, bounded and cycle-safe. */
export function causeChain(error: unknown): unknown[] {
  const out: unknown[] = [];
  const seen = new Set<unknown>();
  let current: unknown = error;
  while (current !== undefined && current !== null && out.length < MAX_CAUSE_DEPTH && !seen.has(current)) {
    seen.add(current);
    out.push(current);
    if (RetryError.isInstance(current) || nameOf(current) === 'AI_RetryError') {
      const last = (current as { lastError?: unknown }).lastError;
      if (last !== undefined) {
        current = last;
        continue;
      }
    }
    current = typeof current === 'object' ? (current as { cause?: unknown }).cause : undefined;
  }
  return out;
}

function isStreamProviderError(
  e: unknown,
): e is { statusCode?: number; code?: string | number; data?: unknown; message: string } {
  return nameOf(e) === 'AI_StreamProviderError';
}

function isRawResponse(e: unknown): e is RawResponseLike {
  return (
    isPlainObject(e) &&
    typeof (e as { status?: unknown }).status === 'number' &&
    ('body' in (e as object) || 'headers' in (e as object))
  );
}

function nameOf(e: unknown): string | undefined {
  if (typeof e !== 'object' || e === null) return undefined;
  const n = (e as { name?: unknown }).name;
  return typeof n === 'string' ? n : undefined;
}

function codeOf(e: unknown): string | undefined {
  if (typeof e !== 'object' || e === null) return undefined;
  const c = (e as { code?: unknown }).code;
  return typeof c === 'string' ? c : undefined;
}

export function messageOf(e: unknown): string {
  if (typeof e === 'string') return e;
  if (typeof e === 'object' && e !== null) {
    const m = (e as { message?: unknown }).message;
    if (typeof m === 'string') return m;
  }
  try {
    return String(e);
  } catch {
    return '';
  }
}
