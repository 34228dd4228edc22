import type { IAgentRuntime } from '@elizaos/core';
import { DEFAULT_BASE_URL, isModelId, PoolConfigError, redactSecrets, type CallPriority, type EffortSetting, type LastResortSettings, type PoolPolicy, type Specialty, type Tier } from '@freepool/free-model-pool';
import { countsAsFreeCall } from '@freepool/free-model-pool/internal';
import { lastResortSettings } from './settings/fallback-fields.js';
import { DEFAULT_REASONING_EFFORT } from './settings/effort-fields.js';
import type { EffortGroup } from './model-types.js';
import { asText, clip } from './settings/fields.js';
import { policyFrom, settingsSchema, SETTING_KEYS, type SettingKey } from './settings/schema.js';
import { sharedStateSettings, type SharedStateSettings } from './settings/state-fields.js';

/**
 * The plugin's settings: read through `runtime.getSetting`, then `process.env`, then defaults,
 * validated with zod once at init. Errors name the setting and say what was expected.
 */

/** How long start-up waits for the catalog before keeping the committed default pool. */
export const DEFAULT_CATALOG_TIMEOUT_MS = 5_000;
/** How long a catalog-derived pool is reused before the catalog is fetched again (6 h). */
export const DEFAULT_CATALOG_TTL_MS = 6 * 60 * 60 * 1000;
/** What a person reads when the day's free calls are used up ({time}: the reset as HH:MM, {in}: how long until then). */
export const DEFAULT_NOTICE = "The free models for this agent have used today's quota. They answer again at {time} UTC (in {in}).";
/** What a person reads when every free model is busy ({in}: when trying again makes sense, or "a minute"). */
export const DEFAULT_BUSY_NOTICE = 'The free models for this agent are all busy right now. Please try again in {in}.';
/** No embedding model is free; when the user picks one this is its vector size unless told otherwise. */
export const DEFAULT_EMBEDDING_DIMENSIONS = 1536;

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
  /** OPENROUTER_ALLOW_SPECIALISTS: specialist kinds ranked with the general models (default none). */
  allowSpecialists: Specialty[];
  /** Only the policy numbers the user set; the engine fills in the rest from DEFAULT_POLICY. */
  policy: Partial<PoolPolicy>;
  embeddingModel?: string;
  embeddingDimensions: number;
  catalogRefresh: boolean;
  /** OPENROUTER_PERSIST_STATE: keep cooldowns and account counters in the agent's database. */
  persistState: boolean;
  /** OPENROUTER_STATE_URL/_TIMEOUT_MS/_RETRY_MS: where the state shared by every agent on the key lives. */
  sharedState: SharedStateSettings;
  /** OPENROUTER_ALLOW_PAID: models that are not free variants may be used (default false: $0). */
  allowPaid: boolean;
  catalogTtlMs: number;
  catalogTimeoutMs: number;
  /** OPENROUTER_CALL_PRIORITY: model types pinned to reply or background (else: background inside evaluators). */
  priorityOverrides: Record<string, CallPriority>;
  /** OPENROUTER_REASONING_EFFORT over DEFAULT_REASONING_EFFORT: how much each kind of call asks a reasoning model to think. */
  reasoningEffort: Record<EffortGroup, EffortSetting>;
  /** OPENROUTER_LAST_RESORT_URL/_MODEL/_API_KEY/_TIMEOUT_MS: a local OpenAI-compatible server (off unless set). */
  lastResort?: LastResortSettings;
  /** OPENROUTER_LAST_RESORT_HANDLER: '*' for the next model handler, a plugin name, or false (off). */
  nextHandler: string | false;
  /** OPENROUTER_NOTICE / OPENROUTER_BUSY_NOTICE: what a person reads when no model could answer (false: nothing). */
  notice: { daily: string; busy: string } | false;
}

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

export { SETTING_KEYS, type SettingKey } from './settings/schema.js';
type RawSettings = Partial<Record<SettingKey, unknown>>;

/** The settings that replace a tier's pool, by tier. */
const POOL_SETTINGS = { small: 'OPENROUTER_SMALL_POOL', large: 'OPENROUTER_LARGE_POOL', vision: 'OPENROUTER_VISION_POOL' } as const;

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
  for (const key of Object.values(POOL_SETTINGS)) {
    if (isSetButEmpty(runtime, key)) warn?.(`${key} is set but empty: the default pool is used for that tier. Remove the setting, or list model ids to replace the pool.`);
  }
  for (const [key, why] of Object.entries(UNSERVED_OFFICIAL_SETTINGS)) {
    if (asText(readSetting(runtime, key)) !== undefined) {
      warn?.(`${key} is a setting of @elizaos/plugin-openrouter that is not used here (${why}); keep that plugin alongside if you need it.`);
    }
  }
  return parseSettings(raw, warn);
}

/** Validates raw setting values (strings, numbers or booleans) into PluginSettings. */
export function parseSettings(raw: RawSettings, warn?: (message: string) => void): PluginSettings {
  const parsed = settingsSchema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${String(i.path[0] ?? 'setting')}: ${i.message}`);
    const setting = String(parsed.error.issues[0]?.path[0] ?? 'settings');
    // Errors echo the bad value: a key pasted into the wrong setting must not reach the log.
    const message = redactSecrets(`Invalid @freepool/plugin-openrouter-free configuration: ${problems.join('; ')}`, [
      asText(raw.OPENROUTER_API_KEY),
      asText(raw.OPENROUTER_LAST_RESORT_API_KEY),
    ]);
    throw new PoolConfigError(setting, message);
  }
  const s = parsed.data;
  const warnRedacted = warn && ((m: string) => warn(redactSecrets(m, [s.OPENROUTER_API_KEY, s.OPENROUTER_LAST_RESORT_API_KEY])));

  // A gateway may use another path, so this is a warning; but with the bare host every chat call
  // answers 404, which reads as "model no longer available" for each model in turn.
  if (s.OPENROUTER_BASE_URL && !new URL(s.OPENROUTER_BASE_URL).pathname.endsWith('/api/v1')) {
    warnRedacted?.(
      `OPENROUTER_BASE_URL="${clip(s.OPENROUTER_BASE_URL)}" does not end in /api/v1 (the default is ${DEFAULT_BASE_URL}); unless it is a gateway with its own path, every model call will answer 404.`,
    );
  }

  const policy = policyFrom(s);
  const allowPaid = s.OPENROUTER_ALLOW_PAID ?? false;
  const lastResort = lastResortSettings(s);

  // A first choice carried over from the official plugin is often a paid model: $0 wins, with a word.
  const firstChoice = (key: string, id: string | undefined): string | undefined => {
    if (id === undefined || allowPaid || countsAsFreeCall(id)) return id;
    warnRedacted?.(`${key}="${clip(id)}" is not a free model (free ids end in ":free"); ignoring it, so nothing costs money. Set OPENROUTER_ALLOW_PAID=true to use it on purpose.`);
    return undefined;
  };
  const preferredModels: Partial<Record<Tier, string>> = {};
  const small = firstChoice('OPENROUTER_SMALL_MODEL', s.OPENROUTER_SMALL_MODEL) ?? firstChoice('SMALL_MODEL', genericModel('SMALL_MODEL', s.SMALL_MODEL, warnRedacted));
  const large = firstChoice('OPENROUTER_LARGE_MODEL', s.OPENROUTER_LARGE_MODEL) ?? firstChoice('LARGE_MODEL', genericModel('LARGE_MODEL', s.LARGE_MODEL, warnRedacted));
  const image = firstChoice('OPENROUTER_IMAGE_MODEL', s.OPENROUTER_IMAGE_MODEL) ?? firstChoice('IMAGE_MODEL', genericModel('IMAGE_MODEL', s.IMAGE_MODEL, warnRedacted));
  if (small) preferredModels.small = small;
  if (large) preferredModels.large = large;
  if (image) preferredModels.vision = image;

  // A pool the user wrote out is what they asked for: a paid id in it is refused, not skipped.
  const pinnedPools: Partial<Record<Tier, string[]>> = {};
  for (const [tier, key] of Object.entries(POOL_SETTINGS) as Array<[Tier, (typeof POOL_SETTINGS)[Tier]]>) {
    const ids = s[key];
    if (!ids) continue;
    const paid = allowPaid ? undefined : ids.find((id) => !countsAsFreeCall(id));
    if (paid !== undefined) {
      throw new PoolConfigError(
        key,
        `${key} has "${clip(paid)}", which is not a free model (free ids end in ":free", or are openrouter/free): this plugin calls only free models unless OPENROUTER_ALLOW_PAID=true is set.`,
      );
    }
    pinnedPools[tier] = ids;
  }

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
    allowSpecialists: s.OPENROUTER_ALLOW_SPECIALISTS ?? [],
    policy,
    embeddingModel: s.OPENROUTER_EMBEDDING_MODEL ?? genericModel('EMBEDDING_MODEL', s.EMBEDDING_MODEL, warnRedacted),
    embeddingDimensions,
    catalogRefresh: s.OPENROUTER_CATALOG_REFRESH ?? true,
    persistState: s.OPENROUTER_PERSIST_STATE ?? true,
    sharedState: sharedStateSettings(s),
    allowPaid,
    catalogTtlMs: s.OPENROUTER_CATALOG_TTL_MS ?? DEFAULT_CATALOG_TTL_MS,
    catalogTimeoutMs: s.OPENROUTER_CATALOG_TIMEOUT_MS ?? DEFAULT_CATALOG_TIMEOUT_MS,
    priorityOverrides: s.OPENROUTER_CALL_PRIORITY ?? {},
    reasoningEffort: { ...DEFAULT_REASONING_EFFORT, ...s.OPENROUTER_REASONING_EFFORT },
    ...(lastResort ? { lastResort } : {}),
    nextHandler: s.OPENROUTER_LAST_RESORT_HANDLER ?? false,
    notice:
      s.OPENROUTER_NOTICE === false
        ? false
        : { daily: s.OPENROUTER_NOTICE ?? DEFAULT_NOTICE, busy: s.OPENROUTER_BUSY_NOTICE === false ? (s.OPENROUTER_NOTICE ?? DEFAULT_NOTICE) : (s.OPENROUTER_BUSY_NOTICE ?? DEFAULT_BUSY_NOTICE) },
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

/** The setting is present but blank (an empty env var, `""` in the character), which reads as unset. */
function isSetButEmpty(runtime: IAgentRuntime | undefined, key: string): boolean {
  const character = runtime?.character as
    | { secrets?: Record<string, unknown>; settings?: Record<string, unknown> & { secrets?: Record<string, unknown> } }
    | undefined;
  const values = [character?.secrets?.[key], character?.settings?.[key], character?.settings?.secrets?.[key], process.env[key]];
  if (values.some((v) => asText(v) !== undefined)) return false;
  return values.some((v) => typeof v === 'string' || (Array.isArray(v) && v.length === 0));
}
