/**
 * The scenario: what the simulated account and models do. Validated with zod so a typo in a test's
 * scenario fails loudly with the field's path instead of silently doing nothing.
 */
import { z } from 'zod';
import { ERROR_DIALECTS, type ErrorDialect } from './dialects/dialect.js';

/** A fixed delay, or a seeded-random delay in `[min, max]`, in milliseconds. */
export type Latency = number | [number, number];

export type UpstreamLimitStyle = 'upstream' | 'shared_capacity' | 'upstream_in_200';

/**
 * How a reasoning model answers (see reasoning.ts). Its thinking comes before the answer and counts
 * against the same completion budget (the request's `max_tokens`, else the model's own cap), so a
 * long think can leave no room for the answer: the reply then ends with `finish_reason: "length"`.
 */
export interface ReasoningBehavior {
  /**
   * Where the thinking goes:
   * - `field`: `message.reasoning` and `reasoning_details` (streams: `delta.reasoning` and
   *   `delta.reasoning_details`); the content is the answer alone
   * - `inline`: the content starts with `<tag>thinking</tag>`, then the answer
   * - `no_opener`: the content is the thinking, then `</tag>`, then the answer (a chat template opened the tag)
   */
  style: 'field' | 'inline' | 'no_opener';
  /** Tag name of the inline styles. Default `think` (others in use: `thinking`, `reasoning`). */
  tag?: string;
  /** Reasoning tokens at the model's default effort (a lower effort thinks less, in proportion). Default 64. */
  tokens?: number;
  /** Time spent thinking before the first answer token at the default effort, ms; streams send the reasoning meanwhile. Default 0. */
  thinkMs?: Latency;
  /** `field` style: `reasoning_details` next to `reasoning`. Default true. */
  details?: boolean;
  /** The thinking's text; by default a paragraph that names the model and echoes the prompt. */
  text?: string;
  /** 400 "Provider returned error" whenever the request carries a `reasoning` parameter. */
  rejectsParameter?: boolean;
}

/** How one model (or every model, via `defaultBehavior`) misbehaves. Rates are probabilities 0..1. */
export interface ModelBehavior {
  /**
   * Per-model limit over aligned windows of `windowMs`.
   * - `upstream`: 429 "Provider returned error" with metadata.raw "<id> is temporarily rate-limited upstream…"
   * - `shared_capacity`: 429 "Rate limit exceeded: limit_rpm/…. High demand for <id> on OpenRouter…"
   * - `upstream_in_200`: the `upstream` error object inside an HTTP 200 body (no `choices`)
   */
  upstreamLimit?: { requests: number; windowMs: number; style?: UpstreamLimitStyle };
  /** 404 "No endpoints found for <id>." (checked before any quota is spent). */
  gone?: boolean;
  /** 502/503 "Provider returned error". */
  serverErrorRate?: number;
  /** HTTP 200 whose body is a top-level `error` object and no `choices`. */
  errorIn200Rate?: number;
  /** HTTP 200 with `choices[0].finish_reason: "error"` and `choices[0].error`. */
  finishReasonErrorRate?: number;
  /** Streaming only: after N content chunks send the mid-stream error event and end the stream. */
  midStreamErrorAfterChunks?: number;
  /** Streaming only: wait this many ms before each SSE data event after the first (a slow model). */
  chunkDelayMs?: number;
  /** One SSE data event that is not JSON, after `faultAfterChunks` content chunks; the stream then goes on. Non-stream: a 200 body that is not JSON. */
  malformedChunkRate?: number;
  /** The stream ends after `faultAfterChunks` content chunks with no finish reason and no `[DONE]`. Non-stream: the body is cut off. */
  truncatedStreamRate?: number;
  /** The connection is reset after `faultAfterChunks` content chunks. Non-stream: reset before any response. */
  connectionResetRate?: number;
  /** Content chunks sent before a stream fault (queued or from a rate above, and a queued `mid_stream_error`). Default 1. */
  faultAfterChunks?: number;
  /** JSON requests only: reply with text that does not parse as JSON. */
  badJsonRate?: number;
  /** JSON requests only: wrap the JSON in ```json fences. */
  fencedJson?: boolean;
  /** HTTP 200 with `content: ""`. */
  emptyRate?: number;
  /** 403 moderation body ("… requires moderation on <Provider>. Your input was flagged …"). */
  moderation?: boolean;
  /** Overrides the scenario-wide latency for this model. */
  latencyMs?: Latency;
  /** Fixed reply text, used verbatim instead of the generated reply. */
  reply?: string;
  /**
   * The wait this model's own refusals state (its 429s, 503s and availability errors; never the
   * account's 429s), in the dialect's way: `Retry-After` (captured), `retry_after_seconds` or
   * `availability.retry_after` (structured), `Retry-After` in `metadata.headers` (terse).
   */
  retryAfterSeconds?: number;
  /** The model thinks before it answers (reasoning.ts). */
  reasoning?: ReasoningBehavior;
  /** The model's completion cap when the request sets no `max_tokens`. Default: the catalog's `top_provider.max_completion_tokens`. */
  maxOutputTokens?: number;
}

/** The account-wide free-model quotas. */
export interface AccountScenario {
  /** Account-wide limit for free models per window. Default 20. */
  perMinute?: number;
  /** Length of the "minute" window in ms. Default 60000. Windows align to multiples of it. */
  windowMs?: number;
  /**
   * How the per-minute window counts. `fixed` (the default, as OpenRouter's 429s show): windows
   * aligned to multiples of `windowMs`, reset at the next one. `sliding`: at most `perMinute` calls
   * in any `windowMs`; a 429's reset is the oldest counted call plus the window.
   */
  window?: 'fixed' | 'sliding';
  /** Daily cap for free models; undefined = unlimited. Failed calls count too, as on OpenRouter. */
  daily?: number;
  /** Starting value of the daily counter. Default 0. */
  dailyUsed?: number;
  /** Epoch ms when the daily counter resets. Default: the next UTC midnight. */
  dailyResetAt?: number;
  /**
   * After `dailyResetAt` passes, the next reset is this many ms later (compressed days for tests).
   * Default: the next UTC midnight.
   */
  dailyWindowMs?: number;
  /** Daily 429 uses the `free-models-per-day-high-balance` message. */
  highBalance?: boolean;
  /** What `X-RateLimit-Limit` says on per-minute 429s. Default = perMinute. */
  reportedLimit?: number;
}

export interface Scenario {
  /** Seed of the PRNG behind every random choice. Default 1. */
  seed?: number;
  /** Error bodies and headers quote the caller's key, unscrubbed, as a careless provider would. For leak tests. */
  echoKeyInErrors?: boolean;
  /**
   * How errors are worded and which structured fields they carry (dialects/dialect.ts): `captured`
   * (default, as OpenRouter was seen to send them), `structured` (every documented field, unfamiliar
   * words) or `terse` (the fields in their other places, short unfamiliar words).
   */
  errorDialect?: ErrorDialect;
  /** Default latency of every model call. Default 0. */
  latencyMs?: Latency;
  account?: AccountScenario;
  /** Behaviour by model id (ids must be in the catalog). Merged over `defaultBehavior`. */
  models?: Record<string, ModelBehavior>;
  defaultBehavior?: ModelBehavior;
}

const latency = z
  .union([z.number().min(0), z.tuple([z.number().min(0), z.number().min(0)])])
  .refine((v) => !Array.isArray(v) || v[0] <= v[1], { message: 'expected [min, max] with min <= max' });
const rate = z.number().min(0).max(1);

const reasoningSchema = z
  .object({
    style: z.enum(['field', 'inline', 'no_opener']),
    tag: z.string().regex(/^[A-Za-z][\w:-]*$/, 'expected a tag name such as think').optional(),
    tokens: z.number().int().min(0).optional(),
    thinkMs: latency.optional(),
    details: z.boolean().optional(),
    text: z.string().optional(),
    rejectsParameter: z.boolean().optional(),
  })
  .strict();

const modelBehaviorSchema = z
  .object({
    upstreamLimit: z
      .object({
        requests: z.number().int().min(0),
        windowMs: z.number().int().positive(),
        style: z.enum(['upstream', 'shared_capacity', 'upstream_in_200']).optional(),
      })
      .strict()
      .optional(),
    gone: z.boolean().optional(),
    serverErrorRate: rate.optional(),
    errorIn200Rate: rate.optional(),
    finishReasonErrorRate: rate.optional(),
    midStreamErrorAfterChunks: z.number().int().min(0).optional(),
    chunkDelayMs: z.number().int().min(0).optional(),
    malformedChunkRate: rate.optional(),
    truncatedStreamRate: rate.optional(),
    connectionResetRate: rate.optional(),
    faultAfterChunks: z.number().int().min(0).optional(),
    badJsonRate: rate.optional(),
    fencedJson: z.boolean().optional(),
    emptyRate: rate.optional(),
    moderation: z.boolean().optional(),
    latencyMs: latency.optional(),
    reply: z.string().optional(),
    retryAfterSeconds: z.number().int().min(0).optional(),
    reasoning: reasoningSchema.optional(),
    maxOutputTokens: z.number().int().positive().optional(),
  })
  .strict();

const scenarioSchema = z
  .object({
    seed: z.number().int().optional(),
    echoKeyInErrors: z.boolean().optional(),
    errorDialect: z.enum(ERROR_DIALECTS).optional(),
    latencyMs: latency.optional(),
    account: z
      .object({
        perMinute: z.number().int().min(0).optional(),
        windowMs: z.number().int().positive().optional(),
        window: z.enum(['fixed', 'sliding']).optional(),
        daily: z.number().int().min(0).optional(),
        dailyUsed: z.number().int().min(0).optional(),
        dailyResetAt: z.number().int().min(0).optional(),
        dailyWindowMs: z.number().int().positive().optional(),
        highBalance: z.boolean().optional(),
        reportedLimit: z.number().int().min(0).optional(),
      })
      .strict()
      .optional(),
    models: z.record(z.string(), modelBehaviorSchema).optional(),
    defaultBehavior: modelBehaviorSchema.optional(),
  })
  .strict();

/** Thrown for a scenario that does not validate; the message names every bad field. */
export class ScenarioError extends Error {
  override name = 'ScenarioError';
}

/** Validates a scenario (from a test or a JSON file) and returns it. */
export function parseScenario(input: unknown, knownModel?: (id: string) => boolean): Scenario {
  const result = scenarioSchema.safeParse(input ?? {});
  if (!result.success) {
    const problems = result.error.issues.map((i) => `${i.path.length ? i.path.join('.') : '(root)'}: ${i.message}`);
    throw new ScenarioError(`Invalid simulator scenario: ${problems.join('; ')}`);
  }
  const scenario = result.data as Scenario;
  if (knownModel && scenario.models) {
    const unknown = Object.keys(scenario.models).filter((id) => !knownModel(id));
    if (unknown.length > 0) {
      throw new ScenarioError(
        `Invalid simulator scenario: models.${unknown[0]}: not a model id in the simulator's catalog` +
          (unknown.length > 1 ? ` (also: ${unknown.slice(1).join(', ')})` : ''),
      );
    }
  }
  return scenario;
}

/** The behaviour in force for one model: its own settings over the default ones. */
export function behaviorFor(scenario: Scenario, modelId: string): ModelBehavior {
  return { ...(scenario.defaultBehavior ?? {}), ...(scenario.models?.[modelId] ?? {}) };
}
