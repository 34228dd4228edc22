import type { OpenRouterProvider } from '@openrouter/ai-sdk-provider';
import type { Account } from '../account/account.js';
import type { AccountBook } from '../account/account-book.js';
import { openAccount, type SharedAccountOptions } from '../account/open-account.js';
import { CooldownLadder, sleep, WaitQueue } from '../limits/index.js';
import { createOpenRouterClient } from '../openrouter/client.js';
import { parseImageUrl } from '../openrouter/image-input.js';
import { fetchKeyStatus, type KeyStatus } from '../openrouter/key-status.js';
import type { ConnectionSettings, PoolDefinition, PoolPolicy } from '../settings.js';
import { MemoryStore } from '../state/memory-store.js';
import type { PoolStore } from '../state/store.js';
import type { ModelHealth, PoolOutcome, Tier } from '../types.js';
import { handsOver, LastResort, type LastResortSettings } from './last-resort.js';
import { imageAttempt } from './calls/image.js';
import { objectAttempt, resolveOutputShape } from './calls/object.js';
import { textAttempt } from './calls/text.js';
import { resolvePolicy, validatePoolDefinition } from './pool-validation.js';
import { needsFor, validateRequest } from './request-needs.js';
import type {
  ImageRequest,
  ObjectRequest,
  ObjectResult,
  PoolEventListener,
  PoolStream,
  TextRequest,
  TextResult,
} from './requests.js';
import { poolStatus, type PoolStatus } from './pool-status.js';
import { runPooled, type AttemptFn } from './run-loop.js';
import type { PoolRuntime } from './runtime.js';
import { pooledStream } from './stream.js';
import { ReasoningPlan } from './reasoning/plan.js';

/** The last resort is not OpenRouter: it gets no `reasoning` parameter. A plan per call, as it keeps a count per request. */
const noReasoning = () => new ReasoningPlan(undefined, () => undefined, () => undefined);

export interface FreeModelPoolOptions {
  connection: ConnectionSettings;
  pool: PoolDefinition;
  /** Partial overrides of DEFAULT_POLICY. */
  policy?: Partial<PoolPolicy>;
  /** Defaults to a new in-memory store. */
  store?: PoolStore;
  /** Clock and randomness are injectable so tests are deterministic. */
  now?: () => number;
  random?: () => number;
  onEvent?: PoolEventListener;
  /**
   * Allow models that are not free variants in the tiers (default false: a paid id is refused when
   * the pool is built or replaced). Paid calls never count against the free-tier pacer or day.
   */
  allowPaidModels?: boolean;
  /**
   * A model on the caller's own machine (any OpenAI-compatible server), called only after the free
   * pool gave up (daily cap, every model failed, no slot within the wait, or the reply reserve
   * refused a background call). Off unless given. Its use is in the trail and `outcome.lastResort`.
   */
  lastResort?: LastResortSettings;
  /**
   * The account's state in this process: this pool's own (the default), or `processAccountBook(id)`
   * to pace and count together with every pool on the same key (id: a digest of base URL and key).
   */
  accountBook?: AccountBook;
  /**
   * The account window, the daily counter and model health shared with every process on the key
   * (a database ledger). The store stays the working copy of health; slots and daily units come
   * from the ledger while it answers, and from the local account when it does not.
   */
  shared?: SharedAccountOptions;
}

/**
 * The engine's front door: calls a tier of free models through the AI SDK (`maxRetries: 0`),
 * pacing the account, honouring the daily cap, cooling down and rotating past model failures.
 */
export class FreeModelPool {
  private pool: PoolDefinition;
  private readonly allowPaidModels: boolean;
  private readonly connection: ConnectionSettings;
  private readonly client: OpenRouterProvider;
  private readonly runtime: PoolRuntime;
  private readonly lastResort: LastResort | undefined;
  readonly policy: Readonly<PoolPolicy>;
  readonly store: PoolStore;
  /** The account's free-model limits: this process's (LocalAccount), or the fleet's when `shared` was given (FleetAccount). */
  readonly account: Account;

  constructor(options: FreeModelPoolOptions) {
    this.connection = { ...options.connection };
    this.allowPaidModels = options.allowPaidModels === true;
    this.pool = validatePoolDefinition(options.pool, { allowPaidModels: this.allowPaidModels });
    this.policy = resolvePolicy(options.policy);
    const now = options.now ?? Date.now;
    this.client = createOpenRouterClient(this.connection);
    const waits = new WaitQueue(now, sleep);
    const opened = openAccount({
      policy: this.policy,
      now,
      waits,
      store: options.store ?? new MemoryStore(),
      ...(options.accountBook ? { book: options.accountBook } : {}),
      ...(options.shared ? { shared: options.shared } : {}),
    });
    this.account = opened.account;
    this.store = opened.store;
    this.runtime = {
      policy: this.policy,
      store: this.store,
      now,
      sleep,
      waits,
      getPool: () => this.pool,
      account: this.account,
      ladder: new CooldownLadder(this.policy, options.random ?? Math.random),
      secrets: [this.connection.apiKey, options.lastResort?.apiKey],
      onEvent: options.onEvent,
    };
    this.lastResort = options.lastResort ? new LastResort(options.lastResort, this.runtime) : undefined;
  }

  /** The last-resort endpoint, when one is configured (no key in it). */
  get lastResortEndpoint(): { baseURL: string; model: string } | undefined {
    return this.lastResort ? { baseURL: this.lastResort.settings.baseURL, model: this.lastResort.settings.model } : undefined;
  }

  generateText(request: TextRequest): Promise<PoolOutcome<TextResult>> {
    return this.guard(() => {
      validateRequest(request);
      const attempt = textAttempt(this.client, request, this.reasoningPlan(request));
      const pooled = runPooled(this.runtime, request.tier, needsFor(request), attempt, this.runOptions(request));
      return this.orLastResort(request, pooled, (client) => textAttempt(client, request, noReasoning()));
    });
  }

  generateObject<T = unknown>(request: ObjectRequest): Promise<PoolOutcome<ObjectResult<T>>> {
    return this.guard(() => {
      validateRequest(request);
      const shape = resolveOutputShape(request);
      const attempt = objectAttempt<T>(this.client, request, shape, (id) => this.pool.models[id], this.reasoningPlan(request));
      const pooled = runPooled(this.runtime, request.tier, needsFor(request, { structuredOutput: true }), attempt, this.runOptions(request));
      return this.orLastResort(request, pooled, (client) => objectAttempt<T>(client, request, shape, () => undefined, noReasoning()));
    });
  }

  describeImage(request: ImageRequest): Promise<PoolOutcome<TextResult>> {
    return this.guard(() => {
      validateRequest(request);
      const image = parseImageUrl(request.imageUrl, this.policy.maxImageBytes);
      const attempt = imageAttempt(this.client, request, image, this.reasoningPlan(request));
      const pooled = runPooled(this.runtime, request.tier, needsFor(request, { image: true }), attempt, this.runOptions(request));
      return this.orLastResort(request, pooled, (client) => imageAttempt(client, request, image, noReasoning()));
    });
  }

  /** Validation errors surface synchronously here (not in the stream's promises). */
  streamText(request: TextRequest): PoolStream {
    validateRequest(request);
    const pooled = pooledStream(this.runtime, this.streamModel, request, needsFor(request), this.reasoningPlan(request));
    return this.lastResort ? this.lastResort.stream(pooled, request) : pooled;
  }

  /**
   * Reads GET /key and seeds the daily counter from `free_model_daily_requests`. Returns what the
   * server reported, so status displays need no second call.
   */
  async refreshAccountStatus(signal?: AbortSignal): Promise<KeyStatus> {
    const status = await fetchKeyStatus(this.connection, signal);
    if (status.freeModelDaily) await this.account.observeKey(status.freeModelDaily, this.runtime.now());
    return status;
  }

  /** Replaces the pool (after a catalog refresh); clears `removed` marks. */
  setPool(pool: PoolDefinition): void {
    this.pool = validatePoolDefinition(pool, { allowPaidModels: this.allowPaidModels });
    this.store.clearRemoved();
  }

  getPool(): PoolDefinition {
    return this.pool;
  }

  /** Current health of every model of a tier, in pool order. */
  health(tier: Tier): Array<{ model: string; health: ModelHealth | undefined }> {
    return (this.pool.tiers[tier] ?? []).map((model) => ({ model, health: this.store.getModelHealth(model) }));
  }

  /** A read-only snapshot for status displays: every tier's models, the account window, the daily counter. */
  status(): PoolStatus {
    const now = this.runtime.now();
    return poolStatus(this.pool, this.store, this.account.view(now), this.policy, now);
  }

  /** How much `request` asks each model to think (its own effort, else its tier's). */
  private reasoningPlan(request: TextRequest | ObjectRequest | ImageRequest): ReasoningPlan {
    return new ReasoningPlan(
      request.reasoningEffort ?? this.policy.reasoningEffort[request.tier],
      (id) => this.pool.models[id],
      (id) => this.store.getModelHealth(id),
    );
  }

  /** Each stream attempt gets a provider of its own, whose fetch guards the event-stream body. */
  private readonly streamModel = (modelId: string, fetch: typeof globalThis.fetch) =>
    createOpenRouterClient(this.connection, { fetch }).chat(modelId);

  /** Synchronous validation errors become rejections, so callers handle one path. */
  private guard<R>(run: () => Promise<R>): Promise<R> {
    try {
      return run();
    } catch (e) {
      return Promise.reject(e);
    }
  }

  private runOptions(request: TextRequest | ObjectRequest | ImageRequest) {
    return { signal: request.abortSignal, deadlineMs: request.deadlineMs, priority: request.priority };
  }

  /** After the pool gave up on `request`, one call to the last resort, when there is one (see last-resort.ts). */
  private orLastResort<T>(
    request: TextRequest | ObjectRequest | ImageRequest,
    pooled: Promise<PoolOutcome<T>>,
    localAttempt: (client: OpenRouterProvider) => AttemptFn<T>,
  ): Promise<PoolOutcome<T>> {
    const lastResort = this.lastResort;
    if (!lastResort) return pooled;
    return pooled.catch((error: unknown) => {
      if (!handsOver(error) || request.abortSignal?.aborted) throw error;
      return lastResort.run(request.tier, localAttempt(lastResort.client), error, request.abortSignal);
    });
  }
}
