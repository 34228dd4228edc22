import type { Attempt, CallPriority, EffortSetting, FailureReason, PoolOutcome, RequestNeeds, Tier, TokenUsage } from '../types.js';

/** Fields every pooled request shares. */
export interface BaseRequest {
  tier: Tier;
  /** System prompt (the character's system prompt in ElizaOS). */
  system?: string;
  temperature?: number;
  maxOutputTokens?: number;
  stopSequences?: string[];
  frequencyPenalty?: number;
  presencePenalty?: number;
  /** The caller's abort: stops at once, no further call. */
  abortSignal?: AbortSignal;
  /** Overrides the pool's request deadline for this request, ms. */
  deadlineMs?: number;
  /** Extra needs beyond what the request type implies. */
  needs?: RequestNeeds;
  /**
   * `reply` (default): someone waits for this answer. `background`: refused at once, without a call
   * (DailyReserveError), once the day's remaining free calls are at or below the reserve
   * (policy.dailyReserve / dailyReserveShare), so replies keep them.
   */
  priority?: CallPriority;
  /**
   * How much a reasoning model should think for this request: overrides the tier's
   * `policy.reasoningEffort`. `default` sends no `reasoning` parameter.
   */
  reasoningEffort?: EffortSetting;
}

export interface TextRequest extends BaseRequest {
  prompt: string;
}

export interface TextResult {
  /** The answer alone: thinking a provider left in it is taken out (`reasoning`). */
  text: string;
  finishReason?: string;
  usage?: TokenUsage;
  /** The model's thinking, when it sent any (its reasoning field, or a think block taken out of the text). */
  reasoning?: string;
  /** The length limit cut the answer while it was being written (the thinking had not spent the budget). */
  cutByLength?: true;
}

export type ObjectOutput = 'object' | 'array' | 'enum' | 'no-schema';

export interface ObjectRequest extends BaseRequest {
  prompt: string;
  /** JSON schema of the result (for `array`: the array schema, or the item schema). */
  schema?: Record<string, unknown>;
  /** `object` (default when a schema is given), `array`, `enum` (needs `enumValues`), `no-schema`. */
  output?: ObjectOutput;
  enumValues?: string[];
}

export interface ObjectResult<T = unknown> {
  object: T;
  usage?: TokenUsage;
  /** The model's thinking, when it sent any; never part of the object. */
  reasoning?: string;
}

export interface ImageRequest extends BaseRequest {
  /** http(s) URL or `data:image/...;base64,` URL. */
  imageUrl: string;
  prompt: string;
}

/** A pooled stream: text chunks from exactly one model. */
export interface PoolStream {
  /** Chunks of the model that answered. Fails over only before the first chunk. */
  textStream: AsyncIterable<string>;
  /** Full text; rejects with the pool error when every model failed or the stream broke. */
  text: Promise<string>;
  usage: Promise<TokenUsage | undefined>;
  finishReason: Promise<string | undefined>;
  /** Which model served and the trail; rejects like `text`. */
  outcome: Promise<PoolOutcome<string>>;
}

/** Events the pool reports, for logging and status. Never carries the API key. */
export type PoolEvent =
  | { type: 'attempt'; tier: Tier; attempt: Attempt }
  | { type: 'wait'; tier: Tier; waitMs: number; reason: FailureReason }
  | { type: 'success'; outcome: PoolOutcome<unknown> }
  | { type: 'failure'; tier: Tier; error: Error };

export type PoolEventListener = (event: PoolEvent) => void;
