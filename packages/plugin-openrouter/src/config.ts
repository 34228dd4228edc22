import type { IAgentRuntime } from '@elizaos/core';
import { DEFAULT_BASE_URL, isModelId, PoolConfigError, redactSecrets, type PoolPolicy, type Tier } from '@freepool/free-model-pool';
import { z } from 'zod';

/**
 * The plugin's settings: read through `runtime.getSetting`, then `process.env`, then defaults,
 * validated with zod once at init. Errors name the setting and say what was expected.
 */

/** How long start-up waits for the catalog before keeping the committed default pool. */
export const DEFAULT_CATALOG_TIMEOUT_MS = 5_000;
/** How long a catalog-derived pool is reused before the catalog is fetched again (6 h). */
export const DEFAULT_CATALOG_TTL_MS = 6 * 60 * 60 * 1000;
/** No embedding model is free; when the user picks one this is its vector size unless told otherwise. */
export const DEFAULT_EMBEDDING_DIMENSIONS = 1536;

/** `vendor/model[:variant]`, as OpenRouter spells its ids. */
const MODEL_ID_EXPECTED = 'an OpenRouter model id like vendor/model[:variant], e.g. meta-llama/llama-3.3-70b-instruct:free';

export interface PluginSettings {
  /** Undefined when not set: init warns, handlers fail with a message naming OPENROUTER_API_KEY. */
  apiKey?: string;
  baseURL: string;
  httpReferer?: string;
  appTitle?: string;
  /** OPENROUTER_{SMALL,LARGE,IMAGE}_MODEL (or SMALL_MODEL…): first choice of the tier. */
  preferredModels: Partial<Record<Tier, string>>;
  /** OPENROUTER_{SMALL,LARGE,VISION}_POOL: replaces the tier's default pool. */
  pinnedPools: Partial<Record<Tier, string[]>>;
  /** Only the policy numbers the user set; the engine fills in the rest from DEFAULT_POLICY. */
  policy: Partial<PoolPolicy>;
  embeddingModel?: string;
  embeddingDimensions: number;
  catalogRefresh: boolean;
  /** OPENROUTER_PERSIST_STATE: keep cooldowns and account counters in the agent's database. */
  persistState: boolean;
  catalogTtlMs: number;
  catalogTimeoutMs: number;
}

/** Every setting the plugin reads. The README, docs/configuration.md and package.json agentConfig mirror this. */
export const SETTING_KEYS = [
  'OPENROUTER_API_KEY',
  'OPENROUTER_BASE_URL',
  'OPENROUTER_SMALL_MODEL',
  'OPENROUTER_LARGE_MODEL',
  'OPENROUTER_IMAGE_MODEL',
  'SMALL_MODEL',
  'LARGE_MODEL',
  'IMAGE_MODEL',
  'OPENROUTER_SMALL_POOL',
  'OPENROUTER_LARGE_POOL',
  'OPENROUTER_VISION_POOL',
  'OPENROUTER_FREE_RPM',
  'OPENROUTER_RATE_WINDOW_MS',
  'OPENROUTER_MAX_WAIT_MS',
  'OPENROUTER_COOLDOWN_MS',
  'OPENROUTER_ATTEMPT_TIMEOUT_MS',
  'OPENROUTER_HTTP_REFERER',
  'OPENROUTER_X_TITLE',
  'OPENROUTER_EMBEDDING_MODEL',
  'EMBEDDING_MODEL',
  'OPENROUTER_EMBEDDING_DIMENSIONS',
  'EMBEDDING_DIMENSIONS',
  'OPENROUTER_CATALOG_REFRESH',
  'OPENROUTER_PERSIST_STATE',
  'OPENROUTER_CATALOG_TTL_MS',
  'OPENROUTER_CATALOG_TIMEOUT_MS',
] as const;
export type SettingKey = (typeof SETTING_KEYS)[number];
type RawSettings = Partial<Record<SettingKey, unknown>>;

/**
 * One setting: `runtime.getSetting`, then `process.env`. getSetting skips falsy values (a JSON
 * `false` or `0` in the character comes back as null) and returns null for arrays and objects (the
 * character schema allows them in `settings`), so those are read from the character directly: a
 * pool written as a JSON array is used, and any other non-text value fails validation by name.
 */
export function readSetting(runtime: IAgentRuntime | undefined, key: string): unknown {
  const fromRuntime = runtime?.getSetting(key);
  if (fromRuntime !== null && fromRuntime !== undefined && fromRuntime !== '') return fromRuntime;
  const character = runtime?.character as
    | { secrets?: Record<string, unknown>; settings?: Record<string, unknown> & { secrets?: Record<string, unknown> } }
    | undefined;
  for (const source of [character?.secrets, character?.settings, character?.settings?.secrets]) {
    const v = source?.[key];
    if (v === false || v === 0 || (typeof v === 'object' && v !== null)) return v;
  }
  const fromEnv = process.env[key];
  return fromEnv === undefined || fromEnv === '' ? undefined : fromEnv;
}

// ---- coercions: getSetting returns booleans for "true"/"false" and passes numbers through ----

const asText = (v: unknown): string | undefined => {
  if (v === null || v === undefined) return undefined;
  // An array of ids reads as the comma-separated list; other objects are echoed as JSON in the error.
  const text = Array.isArray(v)
    ? v.map((x) => (typeof x === 'string' ? x : JSON.stringify(x))).join(',')
    : typeof v === 'object'
      ? JSON.stringify(v)
      : String(v);
  const s = text.trim();
  return s === '' ? undefined : s;
};

const optionalText = z.preprocess(asText, z.string().optional());

function integer(min: number, expected: string) {
  return z.preprocess(
    asText,
    z
      .string()
      .optional()
      .transform((s, ctx) => {
        if (s === undefined) return undefined;
        const n = Number(s);
        if (!/^\d+$/.test(s) || !Number.isSafeInteger(n) || n < min) {
          ctx.addIssue({ code: 'custom', message: `expected ${expected}, got "${clip(s)}"` });
          return z.NEVER;
        }
        return n;
      }),
  );
}
const positiveInt = integer(1, 'a positive integer');
const positiveMs = integer(1, 'a positive number of milliseconds');
const nonNegativeMs = integer(0, 'a number of milliseconds (0 or more)');

const boolean = z.preprocess(
  asText,
  z
    .string()
    .optional()
    .transform((s, ctx) => {
      if (s === undefined) return undefined;
      const v = s.toLowerCase();
      if (['true', '1', 'yes', 'on'].includes(v)) return true;
      if (['false', '0', 'no', 'off'].includes(v)) return false;
      ctx.addIssue({ code: 'custom', message: `expected true or false, got "${clip(s)}"` });
      return z.NEVER;
    }),
);

const httpUrl = z.preprocess(
  asText,
  z
    .string()
    .optional()
    .transform((s, ctx) => {
      if (s === undefined) return undefined;
      let url: URL | undefined;
      try {
        url = new URL(s);
      } catch {
        url = undefined;
      }
      if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
        ctx.addIssue({
          code: 'custom',
          message: `expected an http(s) URL such as ${DEFAULT_BASE_URL}, got "${clip(s)}"`,
        });
        return z.NEVER;
      }
      // The AI SDK appends `/chat/completions`; a trailing slash would double it.
      return s.replace(/\/+$/, '');
    }),
);

const modelId = z.preprocess(
  asText,
  z
    .string()
    .optional()
    .transform((s, ctx) => {
      if (s === undefined) return undefined;
      if (!isModelId(s)) {
        ctx.addIssue({ code: 'custom', message: `expected ${MODEL_ID_EXPECTED}, got "${clip(s)}"` });
        return z.NEVER;
      }
      return s;
    }),
);

/** Comma-separated ids (a JSON array of strings is accepted too, since getSetting cannot carry arrays). */
const modelList = z.preprocess(
  asText,
  z
    .string()
    .optional()
    .transform((s, ctx) => {
      if (s === undefined) return undefined;
      let entries: unknown[];
      if (s.startsWith('[')) {
        try {
          const parsed: unknown = JSON.parse(s);
          entries = Array.isArray(parsed) ? parsed : [parsed];
        } catch {
          ctx.addIssue({ code: 'custom', message: 'expected comma-separated model ids or a JSON array of ids; the JSON does not parse' });
          return z.NEVER;
        }
      } else {
        entries = s.split(',');
      }
      const ids: string[] = [];
      for (const [i, raw] of entries.entries()) {
        const id = typeof raw === 'string' ? raw.trim() : '';
        if (id === '') {
          ctx.addIssue({ code: 'custom', message: `entry ${i + 1} is empty; expected comma-separated model ids like vendor/model[:variant]` });
          return z.NEVER;
        }
        if (!isModelId(id)) {
          ctx.addIssue({ code: 'custom', message: `entry ${i + 1} "${clip(id)}" is not ${MODEL_ID_EXPECTED}` });
          return z.NEVER;
        }
        if (!ids.includes(id)) ids.push(id);
      }
      return ids;
    }),
);

const ladder = z.preprocess(
  asText,
  z
    .string()
    .optional()
    .transform((s, ctx) => {
      if (s === undefined) return undefined;
      const rungs = s.split(',').map((x) => x.trim());
      if (rungs.some((r) => !/^\d+$/.test(r) || Number(r) <= 0)) {
        ctx.addIssue({
          code: 'custom',
          message: `expected comma-separated positive milliseconds such as 30000,60000,300000, got "${clip(s)}"`,
        });
        return z.NEVER;
      }
      return rungs.map(Number);
    }),
);

const schema = z.object({
  OPENROUTER_API_KEY: optionalText,
  OPENROUTER_BASE_URL: httpUrl,
  OPENROUTER_SMALL_MODEL: modelId,
  OPENROUTER_LARGE_MODEL: modelId,
  OPENROUTER_IMAGE_MODEL: modelId,
  // Generic names other model plugins share: checked leniently (see `genericModel`).
  SMALL_MODEL: optionalText,
  LARGE_MODEL: optionalText,
  IMAGE_MODEL: optionalText,
  OPENROUTER_SMALL_POOL: modelList,
  OPENROUTER_LARGE_POOL: modelList,
  OPENROUTER_VISION_POOL: modelList,
  OPENROUTER_FREE_RPM: positiveInt,
  OPENROUTER_RATE_WINDOW_MS: positiveMs,
  OPENROUTER_MAX_WAIT_MS: nonNegativeMs,
  OPENROUTER_COOLDOWN_MS: ladder,
  OPENROUTER_ATTEMPT_TIMEOUT_MS: positiveMs,
  OPENROUTER_HTTP_REFERER: optionalText,
  OPENROUTER_X_TITLE: optionalText,
  OPENROUTER_EMBEDDING_MODEL: modelId,
  EMBEDDING_MODEL: optionalText,
  OPENROUTER_EMBEDDING_DIMENSIONS: positiveInt,
  EMBEDDING_DIMENSIONS: optionalText,
  OPENROUTER_CATALOG_REFRESH: boolean,
  OPENROUTER_PERSIST_STATE: boolean,
  OPENROUTER_CATALOG_TTL_MS: nonNegativeMs,
  OPENROUTER_CATALOG_TIMEOUT_MS: positiveMs,
});

/**
 * Settings of the official @elizaos/plugin-openrouter for things this plugin does not serve (image
 * generation, browser builds, stored generated images): worth a warning rather than silence.
 */
export const UNSERVED_OFFICIAL_SETTINGS = {
  OPENROUTER_IMAGE_GENERATION_MODEL: 'image generation (ModelType.IMAGE) is not served',
  OPENROUTER_BROWSER_BASE_URL: 'the plugin runs on the server only',
  OPENROUTER_AUTO_CLEANUP_IMAGES: 'no generated images are stored',
} as const;

/** Reads every setting of `runtime` and validates them. Throws PoolConfigError naming the first bad setting. */
export function resolveSettings(runtime: IAgentRuntime | undefined, warn?: (message: string) => void): PluginSettings {
  const raw: RawSettings = {};
  for (const key of SETTING_KEYS) raw[key] = readSetting(runtime, key);
  for (const [key, why] of Object.entries(UNSERVED_OFFICIAL_SETTINGS)) {
    if (asText(readSetting(runtime, key)) !== undefined) {
      warn?.(`${key} is a setting of @elizaos/plugin-openrouter that is not used here (${why}); keep that plugin alongside if you need it.`);
    }
  }
  return parseSettings(raw, warn);
}

/** Validates raw setting values (strings, numbers or booleans) into PluginSettings. */
export function parseSettings(raw: RawSettings, warn?: (message: string) => void): PluginSettings {
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${String(i.path[0] ?? 'setting')}: ${i.message}`);
    const setting = String(parsed.error.issues[0]?.path[0] ?? 'settings');
    // Errors echo the bad value: a key pasted into the wrong setting must not reach the log.
    const message = redactSecrets(`Invalid @freepool/plugin-openrouter configuration: ${problems.join('; ')}`, [
      asText(raw.OPENROUTER_API_KEY),
    ]);
    throw new PoolConfigError(setting, message);
  }
  const s = parsed.data;
  const warnRedacted = warn && ((m: string) => warn(redactSecrets(m, [s.OPENROUTER_API_KEY])));

  // A gateway may use another path, so this is a warning; but with the bare host every chat call
  // answers 404, which reads as "model no longer available" for each model in turn.
  if (s.OPENROUTER_BASE_URL && !new URL(s.OPENROUTER_BASE_URL).pathname.endsWith('/api/v1')) {
    warnRedacted?.(
      `OPENROUTER_BASE_URL="${clip(s.OPENROUTER_BASE_URL)}" does not end in /api/v1 (the default is ${DEFAULT_BASE_URL}); unless it is a gateway with its own path, every model call will answer 404.`,
    );
  }

  const policy: Partial<PoolPolicy> = {};
  if (s.OPENROUTER_FREE_RPM !== undefined) policy.freeRequestsPerWindow = s.OPENROUTER_FREE_RPM;
  if (s.OPENROUTER_RATE_WINDOW_MS !== undefined) policy.rateWindowMs = s.OPENROUTER_RATE_WINDOW_MS;
  if (s.OPENROUTER_MAX_WAIT_MS !== undefined) policy.maxWaitMs = s.OPENROUTER_MAX_WAIT_MS;
  if (s.OPENROUTER_COOLDOWN_MS !== undefined) policy.cooldownLadderMs = s.OPENROUTER_COOLDOWN_MS;
  if (s.OPENROUTER_ATTEMPT_TIMEOUT_MS !== undefined) policy.attemptTimeoutMs = s.OPENROUTER_ATTEMPT_TIMEOUT_MS;

  const preferredModels: Partial<Record<Tier, string>> = {};
  const small = s.OPENROUTER_SMALL_MODEL ?? genericModel('SMALL_MODEL', s.SMALL_MODEL, warnRedacted);
  const large = s.OPENROUTER_LARGE_MODEL ?? genericModel('LARGE_MODEL', s.LARGE_MODEL, warnRedacted);
  const image = s.OPENROUTER_IMAGE_MODEL ?? genericModel('IMAGE_MODEL', s.IMAGE_MODEL, warnRedacted);
  if (small) preferredModels.small = small;
  if (large) preferredModels.large = large;
  if (image) preferredModels.vision = image;

  const pinnedPools: Partial<Record<Tier, string[]>> = {};
  if (s.OPENROUTER_SMALL_POOL) pinnedPools.small = s.OPENROUTER_SMALL_POOL;
  if (s.OPENROUTER_LARGE_POOL) pinnedPools.large = s.OPENROUTER_LARGE_POOL;
  if (s.OPENROUTER_VISION_POOL) pinnedPools.vision = s.OPENROUTER_VISION_POOL;

  const genericDims = asText(s.EMBEDDING_DIMENSIONS);
  const embeddingDimensions =
    s.OPENROUTER_EMBEDDING_DIMENSIONS ??
    (genericDims && /^\d+$/.test(genericDims) && Number(genericDims) > 0 ? Number(genericDims) : DEFAULT_EMBEDDING_DIMENSIONS);

  return {
    apiKey: s.OPENROUTER_API_KEY,
    baseURL: s.OPENROUTER_BASE_URL ?? DEFAULT_BASE_URL,
    httpReferer: s.OPENROUTER_HTTP_REFERER,
    appTitle: s.OPENROUTER_X_TITLE,
    preferredModels,
    pinnedPools,
    policy,
    embeddingModel: s.OPENROUTER_EMBEDDING_MODEL ?? genericModel('EMBEDDING_MODEL', s.EMBEDDING_MODEL, warnRedacted),
    embeddingDimensions,
    catalogRefresh: s.OPENROUTER_CATALOG_REFRESH ?? true,
    persistState: s.OPENROUTER_PERSIST_STATE ?? true,
    catalogTtlMs: s.OPENROUTER_CATALOG_TTL_MS ?? DEFAULT_CATALOG_TTL_MS,
    catalogTimeoutMs: s.OPENROUTER_CATALOG_TIMEOUT_MS ?? DEFAULT_CATALOG_TIMEOUT_MS,
  };
}

/**
 * SMALL_MODEL / LARGE_MODEL / IMAGE_MODEL / EMBEDDING_MODEL are shared with other model plugins
 * (e.g. `gpt-4o-mini` for plugin-openai), so a value that is not an OpenRouter id is ignored with a warning, not an error.
 */
function genericModel(key: string, value: string | undefined, warn?: (message: string) => void): string | undefined {
  if (value === undefined) return undefined;
  if (isModelId(value)) return value;
  warn?.(`${key}="${clip(value)}" is not an OpenRouter model id (vendor/model[:variant]); ignoring it. Set OPENROUTER_${key} to choose this plugin's model.`);
  return undefined;
}

/** Keeps echoed values short (a pasted data URL or prompt would flood the error). */
function clip(s: string, max = 80): string {
  return s.length > max ? `${s.slice(0, max)}…` : s;
}
