/**
 * Shared vocabulary of the engine. Every other module imports from here; nothing here imports
 * from anywhere else in the package, so the dependency graph stays a tree.
 */

/** The three pools a request can draw from. */
export type Tier = 'small' | 'large' | 'vision';
export const TIERS: readonly Tier[] = ['small', 'large', 'vision'] as const;

/** OpenRouter's `reasoning.effort` values, highest first. `none` turns reasoning off. */
export const REASONING_EFFORTS = ['max', 'xhigh', 'high', 'medium', 'low', 'minimal', 'none'] as const;
export type ReasoningEffort = (typeof REASONING_EFFORTS)[number];
/** How much a request asks a reasoning model to think: an effort, or `default` (no `reasoning` parameter: the model's own). */
export type EffortSetting = ReasoningEffort | 'default';

/**
 * What the catalog says about a model's reasoning: present when the model takes OpenRouter's
 * `reasoning` parameter (`supported_parameters` has `reasoning`, or `/models` gives a `reasoning` object).
 */
export interface ModelReasoning {
  /** Reasoning cannot be turned off: `none` is refused. */
  mandatory: boolean;
  /** The efforts it accepts, highest first; absent: any. */
  efforts?: ReasoningEffort[];
  /** The effort it thinks at when none is sent. */
  defaultEffort?: ReasoningEffort;
}

/** What the pool needs to know about a model to decide whether it can serve a request. */
export interface PoolModel {
  /** OpenRouter id, e.g. `google/gemma-3-27b-it:free`. */
  id: string;
  /** Human name from the catalog, when known. */
  name?: string;
  /** Context window in tokens (0 when unknown). */
  contextLength: number;
  /** Largest completion the top provider allows, when the catalog says. */
  maxCompletionTokens?: number | null;
  /** Accepts image input. */
  vision: boolean;
  /** Catalog lists `structured_outputs` (honours a JSON schema). */
  structuredOutputs: boolean;
  /** Catalog lists `response_format` (at least JSON mode). */
  responseFormat: boolean;
  /** Takes OpenRouter's `reasoning` parameter (a reasoning model); absent for models that do not. */
  reasoning?: ModelReasoning;
}

/** What a single request needs from a model. */
export interface RequestNeeds {
  /** The prompt carries an image. */
  image?: boolean;
  /** The caller wants JSON back. Models that support structured output are preferred, not required. */
  structuredOutput?: boolean;
  /** Rough prompt size; models whose context is known to be smaller are skipped. */
  promptTokens?: number;
  /** The caller wants a reasoning model (ElizaOS's reasoning types): models that take the `reasoning` parameter are preferred, not required. */
  reasoning?: boolean;
}

/**
 * Why an attempt failed. Every failure maps to exactly one reason (see `failures/classify.ts`),
 * and every reason has exactly one policy (see `failures/policy.ts`).
 */
export type FailureReason =
  | 'account_minute_limit' // free-models-per-min: whole account, wait for the window
  | 'account_daily_limit' // free-models-per-day(-high-balance): whole account, stop until reset
  | 'model_rate_limit' // upstream / shared capacity limit of one model: cool it down, rotate
  | 'auth' // 401: the key is wrong; no model will work
  | 'billing' // 402: negative balance; no model will work
  | 'moderation' // 403: input flagged by one provider's moderation
  | 'model_gone' // 404 "No endpoints found", an unknown model id, a free variant that ended: leave the pool
  | 'excluded_by_settings' // the account's own OpenRouter settings (privacy, provider routing) rule out every endpoint of the model: leave the pool
  | 'context_too_long' // prompt exceeds this model's context: try a larger one
  | 'unsupported_input' // this model cannot take the input (image to a text-only model): try another
  | 'invalid_output' // unparseable JSON for an object request, or empty text
  | 'timeout' // the attempt's own timeout fired (408 too)
  | 'server_error' // 5xx, or a provider error relayed without a more specific cause
  | 'network_error' // no HTTP response at all (refused, reset, DNS), or the connection broke mid-answer
  | 'truncated' // the answer ended without a finish reason: cut off (a stream without its last event)
  | 'bad_request' // the request itself is wrong, for certain (not the API at all; an image the provider could not use): stop
  | 'request_rejected' // a 4xx that names no limit, key, credit or model problem: the request, or this model; one other model tells which
  | 'reserve_held' // a background call while the day's last free calls are held for replies (no call made)
  | 'aborted'; // the caller aborted

/**
 * Whose call it is. `reply`: someone is waiting for this answer (the default). `background`: work
 * that can be skipped (evaluators, reflection, summaries); it yields the day's last free calls.
 */
export type CallPriority = 'reply' | 'background';

/**
 * What the run loop does after a failure: `rotate` to the next candidate, `wait` for the account
 * window and try the same model again, `stop_free` (no free model can answer until the reset;
 * skip them all), `confirm` (one other model, and only one, tells whether the request or the model
 * is at fault; a second failure stops the request), or `stop` at once.
 */
export type FailurePolicy = 'rotate' | 'wait' | 'stop_free' | 'confirm' | 'stop';

/** One classified failure. */
export interface ClassifiedFailure {
  reason: FailureReason;
  /** HTTP status when there was one (200 for an error inside a 200 body). */
  status?: number;
  /** The server's (or the SDK's) message, never containing the API key. */
  message: string;
  /** Epoch ms before which retrying this (model or account) is pointless, from headers or body. */
  retryAt?: number;
  /** `X-RateLimit-Limit`, when the response carried one. */
  rateLimitLimit?: number;
  /** `X-RateLimit-Remaining`, when the response carried one. */
  rateLimitRemaining?: number;
}

/** One line of the attempt trail that successes and failures both carry. */
export interface Attempt {
  /** The model id; `last-resort:<model>` for the caller's own last-resort endpoint. */
  model: string;
  /** Set on the line of a last-resort call: it went to the caller's own endpoint, not to OpenRouter. */
  lastResort?: true;
  /** `success`, `failed` (a call was made and failed), or `skipped` (no call was made). */
  outcome: 'success' | 'failed' | 'skipped';
  /** Why it failed or was skipped. Skips use: model_rate_limit (cooling), model_gone (removed),
   * context_too_long (context too small), account_minute_limit / account_daily_limit (no capacity). */
  reason?: FailureReason;
  status?: number;
  message?: string;
  /** Time spent waiting for account capacity before this attempt. */
  waitedMs: number;
  /** Time from sending to the answer or failure (0 for skips). */
  durationMs: number;
  /** When the model may be tried again, if it was cooled down. */
  cooldownUntil?: number;
  /** The tier the model was drawn from, when the request fell back from its own tier. */
  tier?: Tier;
  /** The reasoning effort the call asked for (OpenRouter's `reasoning.effort`), when it sent one. */
  effort?: ReasoningEffort;
  /** A decision the pool took before this line, e.g. why it fell back to another tier. */
  note?: string;
}

/** Token usage as the AI SDK reports it. */
export interface TokenUsage {
  inputTokens?: number;
  outputTokens?: number;
  totalTokens?: number;
}

/** What a successful pooled call returns, alongside its value. */
export interface PoolOutcome<T> {
  value: T;
  /** The model that answered (the id OpenRouter reported, else the one requested). */
  model: string;
  /** The tier that served (the requested one unless it fell back). */
  tier: Tier;
  /** Set when the requested tier had nothing within the wait and this tier served instead. */
  fellBackFrom?: Tier;
  /** Why it fell back: nothing of its own tier within the wait, or not within a reply's patience while this tier could answer now. */
  fellBackBecause?: string;
  /** Everything tried, skipped or failed, in order, ending with the success. */
  attempts: Attempt[];
  /** Total time spent waiting for account capacity. */
  waitedMs: number;
  usage?: TokenUsage;
  /** Set when the caller's last-resort endpoint answered, after the free pool had given up. */
  lastResort?: { model: string; baseURL: string; reason: FailureReason };
  /** The answering model's thinking, when it sent any: kept out of `value` (answer hygiene), here for a program that asks. */
  reasoning?: string;
}

/** Per-model health, kept in the store. */
export interface ModelHealth {
  /** Epoch ms until which the model is not called (0 = available). */
  cooldownUntil: number;
  /** Failures since the last success; picks the rung of the cooldown ladder. */
  consecutiveFailures: number;
  /** Set when the model answered 404 / unknown id, or the account's settings exclude it: out of the pool until the catalog is refreshed. */
  removed: boolean;
  lastReason?: FailureReason;
  /** Exponentially weighted total time of recent answers, ms (limits/model-latency.ts). */
  latencyMs?: number;
  /** Exponentially weighted time to the first answer token, ms (a non-streamed answer: its total time). */
  firstTokenMs?: number;
  /** When the latest latency was measured (or an attempt timed out); older than policy.latencyMemoryMs, it is forgotten. */
  latencyAt?: number;
  /** Exponentially weighted success rate in [0, 1]. */
  successRate?: number;
  /** Send times (epoch ms) of calls the model accepted within the last rate window (limits/model-capacity.ts). */
  recentCalls?: number[];
  /** Learned upstream capacity: calls per rate window before the model answers a model-level 429. */
  capacityPerWindow?: number;
  /** When the capacity was last learned or raised; it rises by one every policy.modelCapacityRaiseWindows windows. */
  capacityLearnedAt?: number;
  /** The "limited to N requests per minute" a shared-capacity 429 stated: the learned capacity never exceeds it. */
  capacityStated?: number;
  /** The capacity the model had before a 429 lowered it; it comes back if that 429 began an outage (limits/model-capacity.ts). */
  capacityBeforeFailures?: { capacityPerWindow?: number; capacityLearnedAt?: number };
  /** When a request last probed the model after a cooldown, to see whether it recovered. */
  probedAt?: number;
  /** The model's provider refused OpenRouter's `reasoning` parameter: it is no longer sent to it. */
  reasoningRejected?: true;
  /** Effort levels below the request's that this model is asked for: its thinking spent the output budget before. */
  effortDown?: number;
  /** The model has sent thinking closed by a tag it never opened: its streams are held until that tag. */
  thinksWithoutOpener?: true;
  updatedAt: number;
}

/** The account's per-minute window: times (epoch ms) of calls sent within the window. */
export interface AccountWindowState {
  /** The enforced limit, lowered when `X-RateLimit-Limit` says lower. */
  limit: number;
  sentAt: number[];
  /** When the server said the window is exhausted, it resets no earlier than this. */
  blockedUntil: number;
  /**
   * The most calls the server has accepted within one window (limits/account-pacer.ts): up to it,
   * calls go out freely; beyond it, one at a time until the server confirms more or answers 429.
   * A fresh state trusts half the limit.
   */
  confirmed?: number;
  /**
   * A moment at which the server's fixed windows begin, in this process's clock (learned from a
   * per-minute 429's reset; limits/account-window.ts). Unknown: a sliding window is counted.
   */
  serverWindowEdge?: number;
  /**
   * Set once a per-minute 429's reset showed that the server's window slides (its reset is the
   * oldest counted call plus the window; limits/account-window.ts windowKindFrom).
   */
  windowSlides?: true;
}

/** The account's daily free-model counter. */
export interface DailyState {
  /** Known daily limit (50 or 1000 on OpenRouter), when the server or /key told us. */
  limit?: number;
  /** Known remaining calls, counted down locally after each free-model call. */
  remaining?: number;
  /** Epoch ms of the next reset the counter belongs to. */
  resetAt?: number;
  /** When the limit is known to be reached: calls fail fast until this time. */
  exhaustedUntil: number;
  /** The server said so (a daily 429, or GET /key), not only our count: giving back a unit does not end it. */
  exhaustedByServer?: boolean;
}
