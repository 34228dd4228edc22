import type { PoolPolicy } from '@freepool/free-model-pool';
import { z } from 'zod';
import { nextHandler, noticeText, priorityOverrides, reserve } from './fallback-fields.js';
import { boolean, httpUrl, ladder, modelId, modelList, nonNegativeMs, optionalText, positiveInt, positiveMs, specialtyList, tierFallback } from './fields.js';
import { postgresUrl } from './state-fields.js';
import { effortMap } from './effort-fields.js';

/** The engine policy a setting sets when given: one policy number, or what a parsed value turns into. */
type PolicyOf<V> = keyof PoolPolicy | ((value: V) => Partial<PoolPolicy>);

interface Setting<F extends z.ZodType> {
  field: F;
  policy?: PolicyOf<NonNullable<z.output<F>>>;
}

function setting<F extends z.ZodType>(field: F, policy?: PolicyOf<NonNullable<z.output<F>>>): Setting<F> {
  return { field, policy };
}

/**
 * Every setting the plugin reads, in order: its field (the kinds are in fields.ts), and the engine
 * policy number it sets, if it sets one. The zod schema and the user's policy are both read from
 * this table, so a policy setting is one row. The README, docs/configuration.md, .env.example and
 * package.json agentConfig list the same keys (a test checks).
 */
export const SETTINGS = {
  OPENROUTER_API_KEY: setting(optionalText),
  OPENROUTER_BASE_URL: setting(httpUrl),
  OPENROUTER_SMALL_MODEL: setting(modelId),
  OPENROUTER_LARGE_MODEL: setting(modelId),
  OPENROUTER_IMAGE_MODEL: setting(modelId),
  // Generic names other model plugins share: checked leniently (config.ts `genericModel`).
  SMALL_MODEL: setting(optionalText),
  LARGE_MODEL: setting(optionalText),
  IMAGE_MODEL: setting(optionalText),
  OPENROUTER_SMALL_POOL: setting(modelList),
  OPENROUTER_LARGE_POOL: setting(modelList),
  OPENROUTER_VISION_POOL: setting(modelList),
  OPENROUTER_ALLOW_SPECIALISTS: setting(specialtyList),
  OPENROUTER_FREE_RPM: setting(positiveInt, 'freeRequestsPerWindow'),
  OPENROUTER_RATE_WINDOW_MS: setting(positiveMs, 'rateWindowMs'),
  OPENROUTER_MAX_WAIT_MS: setting(nonNegativeMs, 'maxWaitMs'),
  OPENROUTER_COOLDOWN_MS: setting(ladder, 'cooldownLadderMs'),
  OPENROUTER_ATTEMPT_TIMEOUT_MS: setting(positiveMs, 'attemptTimeoutMs'),
  OPENROUTER_FIRST_CHUNK_TIMEOUT_MS: setting(positiveMs, 'firstChunkTimeoutMs'),
  OPENROUTER_REQUEST_DEADLINE_MS: setting(positiveMs, 'requestDeadlineMs'),
  OPENROUTER_MAX_ATTEMPTS: setting(positiveInt, 'maxAttempts'),
  OPENROUTER_RECOVERY_PROBE_MS: setting(positiveMs, 'recoveryProbeIntervalMs'),
  OPENROUTER_HTTP_REFERER: setting(optionalText),
  OPENROUTER_X_TITLE: setting(optionalText),
  OPENROUTER_EMBEDDING_MODEL: setting(modelId),
  EMBEDDING_MODEL: setting(optionalText),
  OPENROUTER_EMBEDDING_DIMENSIONS: setting(positiveInt),
  EMBEDDING_DIMENSIONS: setting(optionalText),
  OPENROUTER_CATALOG_REFRESH: setting(boolean),
  OPENROUTER_PERSIST_STATE: setting(boolean),
  OPENROUTER_STATE_URL: setting(postgresUrl),
  OPENROUTER_STATE_TIMEOUT_MS: setting(positiveMs),
  OPENROUTER_STATE_RETRY_MS: setting(positiveMs),
  OPENROUTER_CATALOG_TTL_MS: setting(nonNegativeMs),
  OPENROUTER_CATALOG_TIMEOUT_MS: setting(positiveMs),
  OPENROUTER_ALLOW_PAID: setting(boolean),
  OPENROUTER_TIER_FALLBACK: setting(tierFallback, 'tierFallback'),
  OPENROUTER_REPLY_PATIENCE_MS: setting(nonNegativeMs, 'replyPatienceMs'),
  OPENROUTER_SLOW_MARGIN_MS: setting(nonNegativeMs, 'slowMarginMs'),
  OPENROUTER_LATENCY_MEMORY_MS: setting(positiveMs, 'latencyMemoryMs'),
  OPENROUTER_MAX_IMAGE_BYTES: setting(positiveInt, 'maxImageBytes'),
  OPENROUTER_DAILY_RESERVE: setting(reserve, (r) => ('calls' in r ? { dailyReserve: r.calls } : { dailyReserveShare: r.share })),
  OPENROUTER_CALL_PRIORITY: setting(priorityOverrides),
  OPENROUTER_REASONING_EFFORT: setting(effortMap),
  OPENROUTER_LAST_RESORT_URL: setting(httpUrl),
  OPENROUTER_LAST_RESORT_MODEL: setting(optionalText),
  OPENROUTER_LAST_RESORT_API_KEY: setting(optionalText),
  OPENROUTER_LAST_RESORT_TIMEOUT_MS: setting(positiveMs),
  OPENROUTER_LAST_RESORT_HANDLER: setting(nextHandler),
  OPENROUTER_NOTICE: setting(noticeText),
  OPENROUTER_BUSY_NOTICE: setting(noticeText),
};

type Fields = { [K in keyof typeof SETTINGS]: (typeof SETTINGS)[K]['field'] };

export const settingsSchema = z.object(Object.fromEntries(Object.entries(SETTINGS).map(([key, s]) => [key, s.field])) as Fields);

export type SettingKey = keyof typeof SETTINGS;
export type ParsedSettings = z.output<typeof settingsSchema>;

/** Every setting the plugin reads, in the table's order. */
export const SETTING_KEYS = Object.keys(SETTINGS) as SettingKey[];

/** The policy numbers the user set (the engine fills in the rest from DEFAULT_POLICY). */
export function policyFrom(parsed: ParsedSettings): Partial<PoolPolicy> {
  const policy: Record<string, unknown> = {};
  for (const key of SETTING_KEYS) {
    const value = parsed[key];
    const to = SETTINGS[key].policy as PolicyOf<unknown> | undefined;
    if (value === undefined || to === undefined) continue;
    if (typeof to === 'function') Object.assign(policy, to(value));
    else policy[to] = value;
  }
  return policy as Partial<PoolPolicy>;
}
