/**
 * `sim.failNext(model, kind, count)`: deterministic failures for tests, consumed in order. Error
 * kinds are worded in the scenario's `errorDialect`. `minute_limit` and `daily_limit` answer with
 * the account's 429 (its headers name the simulator's own window and day) once, whatever the counts.
 */

export const FAILURE_KINDS = [
  'upstream_429',
  'shared_capacity_429',
  'upstream_in_200',
  'error_in_200',
  'finish_reason_error',
  'server_error',
  'gone',
  'timeout',
  'stall_after_first_chunk',
  'bad_json',
  'fenced_json',
  'empty',
  'mid_stream_error',
  'malformed_chunk',
  'truncated_stream',
  'connection_reset',
  'moderation',
  'auth',
  'billing',
  'context_too_long',
  // Added with the error dialects: each is worded per `errorDialect`.
  'capacity_exhausted',
  'overloaded',
  'unavailable',
  'free_variant_ended',
  'deprecated',
  'privacy_restricted',
  'constraint_filtered',
  'request_refused',
  'minute_limit',
  'daily_limit',
] as const;

export type FailureKind = (typeof FAILURE_KINDS)[number];

/** Queue key that matches a call to any model (used when no model-specific entry is queued). */
export const ANY_MODEL = '*';

export class FailureQueue {
  private readonly queues = new Map<string, FailureKind[]>();

  push(model: string, kind: FailureKind, count: number): void {
    if (typeof model !== 'string' || model.length === 0) {
      throw new TypeError(`failNext: model must be a model id or "${ANY_MODEL}", got ${JSON.stringify(model)}`);
    }
    if (!(FAILURE_KINDS as readonly string[]).includes(kind)) {
      throw new TypeError(`failNext: kind must be one of ${FAILURE_KINDS.join(', ')}; got ${JSON.stringify(kind)}`);
    }
    if (!Number.isInteger(count) || count < 1) {
      throw new TypeError(`failNext: count must be a positive integer, got ${JSON.stringify(count)}`);
    }
    const q = this.queues.get(model) ?? [];
    for (let i = 0; i < count; i++) q.push(kind);
    this.queues.set(model, q);
  }

  /** The next queued failure for this model (model-specific first, then `*`). */
  take(model: string): FailureKind | undefined {
    for (const key of [model, ANY_MODEL]) {
      const q = this.queues.get(key);
      if (q && q.length > 0) return q.shift();
    }
    return undefined;
  }

  clear(): void {
    this.queues.clear();
  }
}
