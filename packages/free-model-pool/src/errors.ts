import type { Attempt, FailureReason, Tier } from './types.js';

/**
 * Error classes a program can branch on. Like the AI SDK's errors, each carries a marker symbol
 * so `isInstance` works across duplicated copies of this package, where `instanceof` would not.
 */
const MARKER = Symbol.for('freepool.error');
const CONFIG_MARKER = Symbol.for('freepool.config-error');

export class FreeModelPoolError extends Error {
  readonly [MARKER] = true;
  /** The reason that decided the outcome (for exhaustion: the most telling one of the trail). */
  readonly reason: FailureReason;
  readonly tier?: Tier;
  /** Every attempt made or skipped, in order. */
  readonly attempts: Attempt[];
  /** Epoch ms of the earliest time a retry can succeed, when known. */
  readonly retryAt?: number;
  /** HTTP status of the decisive failure, when there was one. */
  readonly status?: number;

  constructor(
    message: string,
    opts: { reason: FailureReason; tier?: Tier; attempts?: Attempt[]; retryAt?: number; status?: number; cause?: unknown },
  ) {
    super(message, { cause: opts.cause });
    this.name = 'FreeModelPoolError';
    this.reason = opts.reason;
    this.tier = opts.tier;
    this.attempts = opts.attempts ?? [];
    this.retryAt = opts.retryAt;
    this.status = opts.status;
  }

  static isInstance(e: unknown): e is FreeModelPoolError {
    return typeof e === 'object' && e !== null && (e as Record<symbol, unknown>)[MARKER] === true;
  }
}

/** Every candidate of the tier failed or was unavailable before the deadline. */
export class PoolExhaustedError extends FreeModelPoolError {
  constructor(...args: ConstructorParameters<typeof FreeModelPoolError>) {
    super(...args);
    this.name = 'PoolExhaustedError';
  }
  static override isInstance(e: unknown): e is PoolExhaustedError {
    return FreeModelPoolError.isInstance(e) && e.name === 'PoolExhaustedError';
  }
}

/** The account's daily free-model cap is reached; thrown without an HTTP call. */
export class DailyLimitError extends FreeModelPoolError {
  constructor(...args: ConstructorParameters<typeof FreeModelPoolError>) {
    super(...args);
    this.name = 'DailyLimitError';
  }
  static override isInstance(e: unknown): e is DailyLimitError {
    return FreeModelPoolError.isInstance(e) && e.name === 'DailyLimitError';
  }
}

/**
 * A background call (priority `background`) while the day's remaining free calls are at or below
 * the reserve held for replies: refused without an HTTP call, reason `reserve_held`. `retryAt` is
 * the daily reset. A program can skip the background work and carry on.
 */
export class DailyReserveError extends FreeModelPoolError {
  /** Free calls left today when the call was refused. */
  readonly remaining: number;
  /** The reserve in force (calls held for replies). */
  readonly reserve: number;
  constructor(
    message: string,
    opts: ConstructorParameters<typeof FreeModelPoolError>[1] & { remaining: number; reserve: number },
  ) {
    super(message, opts);
    this.name = 'DailyReserveError';
    this.remaining = opts.remaining;
    this.reserve = opts.reserve;
  }
  static override isInstance(e: unknown): e is DailyReserveError {
    return FreeModelPoolError.isInstance(e) && e.name === 'DailyReserveError';
  }
}

/**
 * The request stopped because of the request or the account, not the models: a reason whose policy is
 * `stop` (auth, billing, bad request), or a refused request (`request_rejected`) that one other model
 * refused too or could not tell apart. No other model can help.
 */
export class RequestStoppedError extends FreeModelPoolError {
  constructor(...args: ConstructorParameters<typeof FreeModelPoolError>) {
    super(...args);
    this.name = 'RequestStoppedError';
  }
  static override isInstance(e: unknown): e is RequestStoppedError {
    return FreeModelPoolError.isInstance(e) && e.name === 'RequestStoppedError';
  }
}

/** The caller aborted; no further call was made. */
export class PoolAbortedError extends FreeModelPoolError {
  constructor(...args: ConstructorParameters<typeof FreeModelPoolError>) {
    super(...args);
    this.name = 'PoolAbortedError';
  }
  static override isInstance(e: unknown): e is PoolAbortedError {
    return FreeModelPoolError.isInstance(e) && e.name === 'PoolAbortedError';
  }
}

/**
 * A stream broke after it had started answering: the caller has part of an answer, which no other
 * model continues (two models' text is never joined). `reason` says how it broke; `truncated`
 * means the answer ended without a finish reason, i.e. it was cut off.
 */
export class StreamInterruptedError extends FreeModelPoolError {
  /** The model whose answer broke off. */
  readonly model: string;
  /** Characters of text the caller had already received. */
  readonly receivedChars: number;
  constructor(
    message: string,
    opts: ConstructorParameters<typeof FreeModelPoolError>[1] & { model: string; receivedChars: number },
  ) {
    super(message, opts);
    this.name = 'StreamInterruptedError';
    this.model = opts.model;
    this.receivedChars = opts.receivedChars;
  }
  static override isInstance(e: unknown): e is StreamInterruptedError {
    return FreeModelPoolError.isInstance(e) && e.name === 'StreamInterruptedError';
  }
}

/** A setting, pool list, catalog or input is malformed. Names the thing and what was expected. */
export class PoolConfigError extends Error {
  // Its own marker: a config error has no attempt trail, so it must not pass FreeModelPoolError.isInstance.
  readonly [CONFIG_MARKER] = true;
  /** The setting or field at fault, e.g. `OPENROUTER_SMALL_POOL`. */
  readonly setting: string;
  constructor(setting: string, message: string) {
    super(message);
    this.name = 'PoolConfigError';
    this.setting = setting;
  }
  static isInstance(e: unknown): e is PoolConfigError {
    return typeof e === 'object' && e !== null && (e as Record<symbol, unknown>)[CONFIG_MARKER] === true;
  }
}
