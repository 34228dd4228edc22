/**
 * The account-wide free-model quotas: a per-"minute" window aligned like OpenRouter's (it resets at
 * the next multiple of the window) and a daily counter that failed calls also spend.
 */
import type { ErrorDialect } from './dialects/dialect.js';
import { accountDaily, accountPerMinute } from './dialects/limits.js';
import type { AccountScenario } from './scenario.js';
import type { WireError } from './wire-errors.js';

export const DEFAULT_PER_MINUTE = 20;
export const DEFAULT_WINDOW_MS = 60_000;
/** What `/key` reports as the daily limit when the scenario sets none. */
export const REPORTED_DAILY_WHEN_UNLIMITED = 1000;
const DAY_MS = 86_400_000;

export function nextUtcMidnight(t: number): number {
  return Math.floor(t / DAY_MS) * DAY_MS + DAY_MS;
}

export interface AccountRejection {
  kind: 'daily_429' | 'per_minute_429';
  error: WireError;
}

export class AccountLimits {
  private readonly perMinute: number;
  private readonly windowMs: number;
  private readonly reportedLimit: number;
  private windowStart = Number.NEGATIVE_INFINITY;
  private windowCount = 0;
  private dailyUsed: number;
  private dailyResetAt: number;

  constructor(
    private readonly cfg: AccountScenario,
    private readonly now: () => number,
    private readonly dialect: ErrorDialect = 'captured',
  ) {
    this.perMinute = cfg.perMinute ?? DEFAULT_PER_MINUTE;
    this.windowMs = cfg.windowMs ?? DEFAULT_WINDOW_MS;
    this.reportedLimit = cfg.reportedLimit ?? this.perMinute;
    this.dailyUsed = cfg.dailyUsed ?? 0;
    this.dailyResetAt = cfg.dailyResetAt ?? nextUtcMidnight(now());
  }

  private rollDaily(t: number): void {
    while (t >= this.dailyResetAt) {
      this.dailyUsed = 0;
      this.dailyResetAt = this.cfg.dailyWindowMs ? this.dailyResetAt + this.cfg.dailyWindowMs : nextUtcMidnight(t);
    }
  }

  /**
   * Admits one call to a free model, or says which account limit refuses it. A call that passes the
   * daily check is spent from the daily quota even if it then fails (per-minute 429 included).
   */
  admitFree(): AccountRejection | null {
    const t = this.now();
    this.rollDaily(t);
    const daily = this.cfg.daily;
    if (daily !== undefined && this.dailyUsed >= daily) return { kind: 'daily_429', error: this.dailyRefusal() };
    this.dailyUsed++;
    const start = Math.floor(t / this.windowMs) * this.windowMs;
    if (start !== this.windowStart) {
      this.windowStart = start;
      this.windowCount = 0;
    }
    if (this.windowCount >= this.perMinute) return { kind: 'per_minute_429', error: this.minuteRefusal() };
    this.windowCount++;
    return null;
  }

  /** The per-minute 429 as it would be sent now: its reset is the end of the current window. */
  minuteRefusal(): WireError {
    const start = Math.floor(this.now() / this.windowMs) * this.windowMs;
    return accountPerMinute(this.dialect, this.reportedLimit, start + this.windowMs);
  }

  /** The daily 429 as it would be sent now. */
  dailyRefusal(): WireError {
    this.rollDaily(this.now());
    return accountDaily(this.dialect, this.cfg.daily ?? REPORTED_DAILY_WHEN_UNLIMITED, this.dailyResetAt, this.cfg.highBalance ?? false);
  }

  /** The `free_model_daily_requests` block of `GET /api/v1/key`. */
  daily(): { limit: number; remaining: number; used: number; resetAt: number } {
    this.rollDaily(this.now());
    const limit = this.cfg.daily ?? REPORTED_DAILY_WHEN_UNLIMITED;
    return { limit, used: this.dailyUsed, remaining: Math.max(0, limit - this.dailyUsed), resetAt: this.dailyResetAt };
  }
}

/** Per-model request windows for `upstreamLimit`, aligned the same way. */
export class ModelWindows {
  private readonly windows = new Map<string, { start: number; count: number }>();
  constructor(private readonly now: () => number) {}

  /** Counts one call; returns the window's reset time when the model is over its limit. */
  take(model: string, requests: number, windowMs: number): { limited: boolean; resetAt: number } {
    const t = this.now();
    const start = Math.floor(t / windowMs) * windowMs;
    let w = this.windows.get(model);
    if (!w || w.start !== start) {
      w = { start, count: 0 };
      this.windows.set(model, w);
    }
    if (w.count >= requests) return { limited: true, resetAt: start + windowMs };
    w.count++;
    return { limited: false, resetAt: start + windowMs };
  }
}
