import type { IAgentRuntime } from '@elizaos/core';
import type { Attempt, FailureReason, PoolEvent, Tier } from '@freepool/free-model-pool';
import { reasonDescription } from '@freepool/free-model-pool/internal';

/** One attempt of a logged request, as the panel shows it. */
export interface LoggedAttempt {
  model: string;
  outcome: Attempt['outcome'];
  reason?: FailureReason;
  /** The reason in words, as the engine's errors say it ("was rate limited upstream"). */
  reasonText?: string;
  status?: number;
  message?: string;
  durationMs: number;
  waitedMs: number;
}

/** One finished pooled request: who served it (or that none did), how long it took, and the trail. */
export interface LoggedRequest {
  /** When it finished, epoch ms. */
  at: number;
  tier: Tier;
  ok: boolean;
  /** The model that answered; absent when the request failed. */
  model?: string;
  /** Time spent calling and waiting, summed over the trail. */
  durationMs: number;
  attempts: LoggedAttempt[];
  /** Why a failed request failed. */
  reason?: FailureReason;
  reasonText?: string;
  error?: string;
  /** Set when the engine's last resort (a local server) answered after the free pool gave up. */
  lastResort?: { model: string; reason: FailureReason };
}

/** How often the free tier's wall was met today: calls answered past it, and notices sent. */
export interface WallCounts {
  /** Answered by the engine's last-resort endpoint. */
  lastResortEndpoint: number;
  /** Handed to another plugin's model handler (OPENROUTER_LAST_RESORT_HANDLER), by plugin. */
  lastResortHandler: Record<string, number>;
  /** Replies that carried the notice because no model could answer. */
  notices: number;
  /** When any of these last happened, epoch ms. */
  lastAt?: number;
}

/** Calls (not skips) one model took in the history window, by outcome. */
export interface ModelCalls {
  model: string;
  ok: number;
  /** 429s: the model's own limit or the account's. */
  rateLimited: number;
  failed: number;
}

export interface RequestLogOptions {
  /** Requests kept for the panel's list (the newest). */
  maxRequests?: number;
  /** How far back calls are counted for the chart, ms. */
  historyMs?: number;
  /** Upper bound on calls kept, whatever the window (a paid model in a tier is not paced). */
  maxCalls?: number;
  now?: () => number;
}

const RATE_LIMITS: ReadonlySet<FailureReason> = new Set(['model_rate_limit', 'account_minute_limit', 'account_daily_limit']);

/**
 * A bounded, in-memory record of what the pool did, fed from its events: the last few dozen requests
 * with their attempt trails, and the calls of the last hour per model. The engine keeps only current
 * health; this is the history a person looks at to see why the agent was slow or failed.
 */
export class RequestLog {
  private readonly requests: LoggedRequest[] = [];
  private readonly calls: Array<{ at: number; model: string; kind: 'ok' | 'rateLimited' | 'failed' }> = [];
  private readonly maxRequests: number;
  private readonly historyMs: number;
  private readonly maxCalls: number;
  private readonly now: () => number;
  private readonly wall: WallCounts = { lastResortEndpoint: 0, lastResortHandler: {}, notices: 0 };

  constructor(opts: RequestLogOptions = {}) {
    this.maxRequests = opts.maxRequests ?? 50;
    this.historyMs = opts.historyMs ?? 60 * 60_000;
    this.maxCalls = opts.maxCalls ?? 10_000;
    this.now = opts.now ?? Date.now;
  }

  record(event: PoolEvent): void {
    const at = this.now();
    if (event.type === 'attempt') {
      const a = event.attempt;
      if (a.outcome === 'skipped') return; // no call was made
      const kind = a.outcome === 'success' ? 'ok' : a.reason && RATE_LIMITS.has(a.reason) ? 'rateLimited' : 'failed';
      this.calls.push({ at, model: a.model, kind });
      this.prune(at);
    } else if (event.type === 'success') {
      const { outcome } = event;
      const lastResort = outcome.lastResort ? { lastResort: { model: outcome.lastResort.model, reason: outcome.lastResort.reason } } : {};
      if (outcome.lastResort) this.noteWall('endpoint', at);
      this.push({ at, tier: outcome.tier, ok: true, model: outcome.model, ...trail(outcome.attempts), ...lastResort });
    } else if (event.type === 'failure') {
      const error = event.error as Error & { reason?: FailureReason; attempts?: Attempt[] };
      this.push({
        at,
        tier: event.tier,
        ok: false,
        ...trail(error.attempts ?? []),
        ...(error.reason ? { reason: error.reason, reasonText: reasonDescription(error.reason) } : {}),
        error: error.message,
      });
    }
  }

  /** A call past the free tier's wall: answered by the endpoint or another plugin, or a notice sent. */
  noteWall(kind: 'endpoint' | 'notice' | { handler: string }, at = this.now()): void {
    if (kind === 'endpoint') this.wall.lastResortEndpoint++;
    else if (kind === 'notice') this.wall.notices++;
    else this.wall.lastResortHandler[kind.handler] = (this.wall.lastResortHandler[kind.handler] ?? 0) + 1;
    this.wall.lastAt = at;
  }

  wallCounts(): WallCounts {
    return { ...this.wall, lastResortHandler: { ...this.wall.lastResortHandler } };
  }

  /** Newest first. */
  recent(): LoggedRequest[] {
    return [...this.requests].reverse();
  }

  /** Calls per model within the history window, most called first. */
  callsPerModel(): ModelCalls[] {
    const at = this.now();
    this.prune(at);
    const byModel = new Map<string, ModelCalls>();
    for (const c of this.calls) {
      const row = byModel.get(c.model) ?? { model: c.model, ok: 0, rateLimited: 0, failed: 0 };
      row[c.kind]++;
      byModel.set(c.model, row);
    }
    const total = (r: ModelCalls) => r.ok + r.rateLimited + r.failed;
    return [...byModel.values()].sort((a, b) => total(b) - total(a) || a.model.localeCompare(b.model));
  }

  get historyWindowMs(): number {
    return this.historyMs;
  }

  private push(request: LoggedRequest): void {
    this.requests.push(request);
    if (this.requests.length > this.maxRequests) this.requests.splice(0, this.requests.length - this.maxRequests);
  }

  private prune(at: number): void {
    const from = at - this.historyMs;
    let drop = 0;
    while (drop < this.calls.length && this.calls[drop]!.at <= from) drop++;
    drop = Math.max(drop, this.calls.length - this.maxCalls);
    if (drop > 0) this.calls.splice(0, drop);
  }
}

function trail(attempts: Attempt[]): { durationMs: number; attempts: LoggedAttempt[] } {
  return {
    durationMs: attempts.reduce((sum, a) => sum + a.durationMs + a.waitedMs, 0),
    attempts: attempts.map((a) => ({
      model: a.model,
      outcome: a.outcome,
      ...(a.reason ? { reason: a.reason, reasonText: reasonDescription(a.reason) } : {}),
      ...(a.status !== undefined ? { status: a.status } : {}),
      ...(a.message ? { message: a.message } : {}),
      durationMs: a.durationMs,
      waitedMs: a.waitedMs,
    })),
  };
}

/** One log per agent runtime, like the pool itself. */
const logs = new WeakMap<IAgentRuntime, RequestLog>();

export function requestLogFor(runtime: IAgentRuntime): RequestLog {
  let log = logs.get(runtime);
  if (!log) {
    log = new RequestLog();
    logs.set(runtime, log);
  }
  return log;
}
