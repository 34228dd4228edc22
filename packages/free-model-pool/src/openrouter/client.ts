import { createOpenRouter, type OpenRouterProvider } from '@openrouter/ai-sdk-provider';
import { PoolConfigError } from '../errors.js';
import { DEFAULT_BASE_URL, type ConnectionSettings } from '../settings.js';

/** Attribution headers OpenRouter reads: `HTTP-Referer`, plus the title under its new and legacy names. */
export function attributionHeaders(connection: ConnectionSettings): Record<string, string> {
  const headers: Record<string, string> = {};
  if (connection.httpReferer) headers['HTTP-Referer'] = connection.httpReferer;
  if (connection.appTitle) {
    headers['X-OpenRouter-Title'] = connection.appTitle;
    headers['X-Title'] = connection.appTitle;
  }
  return headers;
}

/** The base URL without a trailing slash (the provider appends `/chat/completions`). */
export function normalizeBaseURL(baseURL: string | undefined): string {
  const url = (baseURL ?? DEFAULT_BASE_URL).trim().replace(/\/+$/, '');
  if (!/^https?:\/\//i.test(url)) {
    throw new PoolConfigError('OPENROUTER_BASE_URL', `OPENROUTER_BASE_URL must be an http(s) URL ending in /api/v1, got "${url}"`);
  }
  return url;
}

/**
 * One provider per pool (streams make one per attempt, with their own `fetch`). The key is required up front: without it the provider would silently read
 * OPENROUTER_API_KEY from the environment at request time, which hides configuration mistakes.
 */
export function createOpenRouterClient(connection: ConnectionSettings, opts: { fetch?: typeof globalThis.fetch } = {}): OpenRouterProvider {
  if (!connection.apiKey || connection.apiKey.trim() === '') {
    throw new PoolConfigError('OPENROUTER_API_KEY', 'OPENROUTER_API_KEY is required: an OpenRouter key such as sk-or-v1-…');
  }
  return createOpenRouter({
    apiKey: connection.apiKey,
    baseURL: normalizeBaseURL(connection.baseURL),
    headers: attributionHeaders(connection),
    ...(opts.fetch ? { fetch: opts.fetch } : {}),
  });
}
