import { z } from 'zod';
import { classifyResponseBody, redactSecrets } from '../failures/index.js';
import { FreeModelPoolError, RequestStoppedError } from '../errors.js';
import type { ConnectionSettings } from '../settings.js';
import { attributionHeaders, normalizeBaseURL } from './client.js';

/**
 * The part of `GET /key` the pool uses. `free_model_daily_requests` is new (SDK 1.3.19, not in the
 * Aug-2026 spec), so every field is optional and a missing block simply leaves the counter unseeded.
 */
const KeyStatusSchema = z.object({
  data: z
    .object({
      label: z.string().nullish(),
      is_free_tier: z.boolean().nullish(),
      limit: z.number().nullish(),
      limit_remaining: z.number().nullish(),
      usage: z.number().nullish(),
      free_model_daily_requests: z
        .object({
          limit: z.number().nullish(),
          remaining: z.number().nullish(),
          used: z.number().nullish(),
        })
        .nullish()
        .catch(undefined),
    })
    .passthrough(),
});

export interface KeyStatus {
  isFreeTier?: boolean;
  /** Credit limit of the key and what is left of it (null: no cap). */
  creditLimit?: number | null;
  creditRemaining?: number | null;
  /** The account's free-model day, when the server reports it. */
  freeModelDaily?: { limit?: number; remaining?: number; used?: number };
}

/** Reads `GET {baseURL}/key`. Throws a FreeModelPoolError (auth, network…) without the key in it. */
export async function fetchKeyStatus(connection: ConnectionSettings, signal?: AbortSignal): Promise<KeyStatus> {
  const base = normalizeBaseURL(connection.baseURL);
  const secrets = [connection.apiKey];
  let res: Response;
  try {
    res = await fetch(`${base}/key`, {
      headers: { Authorization: `Bearer ${connection.apiKey ?? ''}`, ...attributionHeaders(connection) },
      signal,
    });
  } catch (e) {
    if (signal?.aborted) throw e;
    throw new FreeModelPoolError(redactSecrets(`GET /key failed: ${(e as Error)?.message ?? String(e)}`, secrets), {
      reason: 'network_error',
      cause: e,
    });
  }
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // keep the text for the error message
  }
  if (!res.ok) {
    const failure = classifyResponseBody(res.status, body, res.headers, { secrets })!;
    const Cls = failure.reason === 'auth' || failure.reason === 'billing' ? RequestStoppedError : FreeModelPoolError;
    throw new Cls(`GET /key failed (${res.status}): ${failure.message}`, { reason: failure.reason, status: res.status });
  }
  const parsed = KeyStatusSchema.safeParse(body);
  if (!parsed.success) {
    throw new FreeModelPoolError('GET /key returned a body without a "data" object', { reason: 'server_error', status: res.status });
  }
  const d = parsed.data.data;
  const daily = d.free_model_daily_requests;
  return {
    isFreeTier: d.is_free_tier ?? undefined,
    creditLimit: d.limit,
    creditRemaining: d.limit_remaining,
    freeModelDaily: daily
      ? { limit: daily.limit ?? undefined, remaining: daily.remaining ?? undefined, used: daily.used ?? undefined }
      : undefined,
  };
}
