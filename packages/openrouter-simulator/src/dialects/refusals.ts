/**
 * Everything else that goes wrong, in each dialect: a provider's server error, moderation, the key,
 * credits, a prompt too long for the model, a request the provider refuses, and an image it cannot use.
 */
import { contextTooLong, moderationError, providerError, wireError, type WireError } from '../wire-errors.js';
import { body, wire, type ErrorContext, type ErrorDialect } from './dialect.js';

/** A provider's 502/503 relayed. Its body alone is also the error-inside-a-200 form. */
export function serverError(ctx: ErrorContext, status: 502 | 503): WireError {
  const { model, provider } = ctx;
  switch (ctx.dialect) {
    case 'captured':
      return wire(status, providerError(status, provider));
    case 'structured':
      return wire(status, body(status, `${provider} could not serve ${model} just now.`, { provider_name: provider, error_type: 'provider_unavailable' }));
    case 'terse':
      return wire(status, body(status, status === 502 ? 'bad gateway' : 'down', { provider_name: provider }));
  }
}

export function moderation(ctx: ErrorContext, flaggedInput: string): WireError {
  const { model, provider } = ctx;
  const verdict = { reasons: ['violence'], flagged_input: flaggedInput.slice(0, 100), provider_name: provider, model_slug: model };
  switch (ctx.dialect) {
    case 'captured':
      return moderationError(model, provider, flaggedInput);
    case 'structured':
      return wire(403, body(403, `${provider} declined this input for ${model} on content grounds.`, verdict, { error_type: 'content_policy_violation' }));
    case 'terse':
      return wire(403, body(403, 'content rejected', { error_type: 'content_policy_violation', provider_name: provider }));
  }
}

export function auth(dialect: ErrorDialect): WireError {
  return dialect === 'captured' ? wireError(401, 'User not found.') : wire(401, body(401, dialect === 'structured' ? 'This key is not known to OpenRouter.' : 'who?'));
}

export function billing(dialect: ErrorDialect): WireError {
  switch (dialect) {
    case 'captured':
      return wireError(402, 'Insufficient credits. Add more using https://openrouter.ai/credits');
    case 'structured':
      return wire(402, body(402, 'The balance of this account is below zero.', { limit_source: 'openrouter_credits' }));
    case 'terse':
      return wire(402, body(402, 'pay up', { limit_source: 'openrouter_credits' }));
  }
}

export function promptTooLong(ctx: ErrorContext, max: number, input: number, output: number): WireError {
  switch (ctx.dialect) {
    case 'captured':
      return contextTooLong(max, input + output, input, output);
    case 'structured':
      return wire(400, body(400, `A prompt of ${input} tokens does not fit ${ctx.model}, which reads ${max}.`, { error_type: 'context_length_exceeded' }));
    case 'terse':
      return wire(400, body(400, 'too big', { error_type: 'context_length_exceeded', provider_name: ctx.provider }));
  }
}

/**
 * The provider refuses the request itself (a value it will not take): the request's fault, in words
 * no client can know in advance and, in the captured and terse forms, no field that says so.
 */
export function requestRefused(ctx: ErrorContext): WireError {
  const { provider } = ctx;
  switch (ctx.dialect) {
    case 'captured':
      return wire(400, body(400, 'Provider returned error', { raw: '{"error":{"message":"Invalid request: top_k must be a positive integer"}}', provider_name: provider }));
    case 'structured':
      return wire(400, body(400, `${provider} will not take one of the values in this request.`, { provider_name: provider, error_type: 'invalid_request' }));
    case 'terse':
      return wire(400, body(400, 'nope', { provider_name: provider }));
  }
}

/** Why an image in a request could not be used. */
export type ImageProblem =
  | { kind: 'status'; url: string; status: number }
  | { kind: 'not_image'; url: string; contentType: string }
  | { kind: 'unreachable'; url: string; why: string }
  | { kind: 'private_network'; url: string }
  | { kind: 'bad_url'; url: string; why: string }
  | { kind: 'bad_data_url'; why: string };

const shortUrl = (url: string) => (url.length > 120 ? `${url.slice(0, 120)}…` : url);

/** The captured form's `metadata.reason`. */
function captureReason(p: ImageProblem): string {
  switch (p.kind) {
    case 'status':
      return `HTTP ${p.status}`;
    case 'not_image':
      return `content-type "${p.contentType || 'none'}" is not an image`;
    case 'unreachable':
      return p.why;
    case 'private_network':
      return 'the address is on a private network';
    case 'bad_url':
      return p.why;
    case 'bad_data_url':
      return p.why;
  }
}

/** In words no rule of any client should know: the URL, and what happened to it. */
function providerWords(p: ImageProblem, terse: boolean): string {
  if (p.kind === 'bad_data_url') return terse ? `bad inline attachment: ${p.why}` : `The inline attachment was rejected: ${p.why}.`;
  const url = shortUrl(p.url);
  switch (p.kind) {
    case 'status':
      return terse ? `unreachable attachment: ${url} (status ${p.status})` : `upstream fetch of ${url} answered HTTP ${p.status}`;
    case 'not_image':
      return terse ? `attachment ${url} has type ${p.contentType || 'none'}` : `the file at ${url} is ${p.contentType || 'untyped'}, which the provider does not read`;
    case 'unreachable':
      return terse ? `attachment ${url}: ${p.why}` : `upstream fetch of ${url} failed: ${p.why}`;
    case 'private_network':
      return terse ? `URL not allowed (private network): ${url}` : `refused to fetch ${url}: the host resolves to a private network address`;
    case 'bad_url':
      return terse ? `attachment ${url}: ${p.why}` : `the attachment address ${url} is not usable: ${p.why}`;
  }
}

export function imageProblem(ctx: ErrorContext, p: ImageProblem): WireError {
  switch (ctx.dialect) {
    case 'captured':
      return p.kind === 'bad_data_url' ? wireError(400, `Invalid image data URL: ${p.why}`) : wireError(400, 'Failed to fetch image', { reason: captureReason(p) });
    case 'structured':
      return wire(400, body(400, 'Provider returned error', { raw: providerWords(p, false), provider_name: ctx.provider }));
    case 'terse':
      return wire(400, body(400, providerWords(p, true)));
  }
}
