import type { EffortSetting, PoolModel, Tier } from './types.js';

/**
 * Every policy number the engine uses, with its default. Nothing else in the engine hard-codes a
 * wait, a limit or a cooldown: it reads them from here. `docs/configuration.md` documents each.
 */
export interface PoolPolicy {
  /** Account-wide free-model calls allowed per window (OpenRouter: 20 per minute). */
  freeRequestsPerWindow: number;
  /** Length of the account window, ms. */
  rateWindowMs: number;
  /** Longest a request may wait for account capacity before it fails, ms. */
  maxWaitMs: number;
  /** Cooldown ladder for model-level failures, ms; the last rung repeats. */
  cooldownLadderMs: number[];
  /** Jitter applied to each cooldown, as a fraction (0.2 = ±20%), so models do not all return at once. */
  cooldownJitter: number;
  /** Timeout of one attempt (one HTTP call), ms. */
  attemptTimeoutMs: number;
  /** Timeout until the first streamed text chunk of one attempt, ms. */
  firstChunkTimeoutMs: number;
  /** Deadline of a whole request across all attempts and waits, ms. */
  requestDeadlineMs: number;
  /** Most models tried (called) for one request; skips do not count. */
  maxAttempts: number;
  /**
   * A model's learned upstream capacity (calls per `rateWindowMs`, learned from its 429) rises by one
   * after this many windows without a model-level 429, so a low guess recovers (limits/model-capacity.ts).
   */
  modelCapacityRaiseWindows: number;
  /**
   * Largest image, in bytes, a `data:` URL may carry. Bigger ones are refused before any call: a
   * provider would refuse them too, after the call had counted against the day. 20 MB is the
   * per-image limit of the common vision providers.
   */
  maxImageBytes: number;
  /**
   * Tiers a request falls back to, in order, when its own tier has no model that can be called
   * within its wait (every model cooling, used up or removed). Default: large → small; small and
   * vision do not fall back (a vision request needs a vision model, and the small tier's image
   * models are tried only if they take images). An empty list turns fallback off for that tier.
   */
  tierFallback: Readonly<Partial<Record<Tier, readonly Tier[]>>>;
  /**
   * How often a model whose cooldown ended, but whose record keeps it behind the healthy models, is
   * given one request to show it recovered (ms). If it answers it takes back its place in the tier
   * order. Default: the first rung of the default cooldown ladder (30 s).
   */
  recoveryProbeIntervalMs: number;
  /**
   * Learn an account limit lower than `freeRequestsPerWindow` at the cost of about one call: beyond
   * the most calls the server has accepted in one window (half the limit on a fresh state), only one
   * call is in flight until it answers. Default true.
   */
  confirmAccountLimit: boolean;
  /**
   * How far this machine's clock may be from OpenRouter's, ms. Once a per-minute 429 has shown where
   * the server's fixed windows begin, the pool counts calls by those windows, taking each boundary
   * this much later than the server named it, and counting calls made up to twice this long before a
   * boundary in the window after it too. A clock further off costs one refused call, after which the
   * boundary moves (limits/account-pacer.ts). When undefined, a sixtieth of `rateWindowMs`: 1 s of
   * OpenRouter's minute, and in proportion when tests compress the window.
   */
  accountClockMarginMs?: number;
  /** Daily free-model cap assumed until the server or /key says otherwise (undefined = unknown). */
  dailyLimit?: number;
  /**
   * Free calls held back for reply-priority requests: once the day's remaining calls are at or below
   * it, background requests fail at once (DailyReserveError, no call). A number of calls; when
   * undefined, `dailyReserveShare` of the known daily limit (rounded up). 0 turns the reserve off.
   */
  dailyReserve?: number;
  /** The reserve as a share of the daily limit when `dailyReserve` is not set (0.2: 10 of 50, 200 of 1000). */
  dailyReserveShare: number;
  /**
   * How much a reasoning model is asked to think, per tier, sent as OpenRouter's `reasoning.effort`
   * to models whose catalog entry takes it (fitted to the efforts each accepts; never `none` where
   * reasoning is mandatory). `default` sends nothing. A request may set its own (`reasoningEffort`).
   * Defaults, for an agent: `minimal` for the small tier (yes/no decisions such as should-respond),
   * `low` for the large tier (replies) and for vision.
   */
  reasoningEffort: Readonly<Partial<Record<Tier, EffortSetting>>>;
  /**
   * How long a reply-path request waits for a model of its own tier before it falls back to the
   * next tier of `tierFallback` that can answer now (ms): a person would rather have the smaller
   * model's answer now. A background request waits up to `maxWaitMs` for its own tier first.
   */
  replyPatienceMs: number;
  /**
   * How long a model's measured speed counts (ms). Within it, a model whose expected time to its
   * first answer token is well above the fastest healthy candidate's (see `slowFactor`,
   * `slowMarginMs`) is tried after the fast ones on the reply path; an attempt timeout demotes it
   * the same way instead of cooling it. After it the model is tried in its pool place again, and its
   * next answer starts a fresh average.
   */
  latencyMemoryMs: number;
  /**
   * A model is slow when its expected time is more than this many times the fastest candidate's
   * (a model not measured yet counts as fast)…
   */
  slowFactor: number;
  /** …and more than this many ms above it (so noise between fast models never reorders a pool). */
  slowMarginMs: number;
}

export const DEFAULT_POLICY: Readonly<PoolPolicy> = Object.freeze({
  freeRequestsPerWindow: 20,
  rateWindowMs: 60_000,
  maxWaitMs: 60_000,
  cooldownLadderMs: [30_000, 60_000, 300_000],
  cooldownJitter: 0.2,
  attemptTimeoutMs: 60_000,
  firstChunkTimeoutMs: 30_000,
  requestDeadlineMs: 180_000,
  maxAttempts: 6,
  modelCapacityRaiseWindows: 5,
  maxImageBytes: 20 * 1024 * 1024,
  tierFallback: Object.freeze({ large: Object.freeze(['small'] as Tier[]) }),
  recoveryProbeIntervalMs: 30_000,
  confirmAccountLimit: true,
  accountClockMarginMs: undefined,
  dailyLimit: undefined,
  dailyReserve: undefined,
  dailyReserveShare: 0.2,
  reasoningEffort: Object.freeze({ small: 'minimal', large: 'low', vision: 'low' } as Record<Tier, EffortSetting>),
  replyPatienceMs: 5_000,
  latencyMemoryMs: 600_000,
  slowFactor: 2,
  slowMarginMs: 5_000,
});

/** Where and how to reach OpenRouter. */
export interface ConnectionSettings {
  /** The user's key. Never logged, thrown or written. */
  apiKey?: string;
  /** Default `https://openrouter.ai/api/v1`. */
  baseURL: string;
  /** Attribution: `HTTP-Referer`. */
  httpReferer?: string;
  /** Attribution: `X-OpenRouter-Title` / `X-Title`. */
  appTitle?: string;
}

export const DEFAULT_BASE_URL = 'https://openrouter.ai/api/v1';

/** A tiered pool: ordered model ids per tier, and what is known about each model. */
export interface PoolDefinition {
  tiers: Record<Tier, string[]>;
  /** Capabilities by id. Ids without an entry are treated as text-only, unknown context. */
  models: Record<string, PoolModel>;
}
