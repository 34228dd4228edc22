/**
 * What one model attempt does, decided synchronously when the call arrives (so counters and the
 * PRNG advance in arrival order): a queued `failNext` kind, or the model's scenario behaviour.
 */
import { acceptsImages, contextLength, type CatalogEntry } from './catalog.js';
import type { FailureKind } from './failure-queue.js';
import { chance } from './prng.js';
import { promptTokens, wantsJson, type ReplyMode } from './replies.js';
import type { ChatRequest } from './request.js';
import type { Thought } from './reasoning.js';
import type { ModelBehavior } from './scenario.js';
import type { SimState } from './state.js';
import { type ErrorContext } from './dialects/dialect.js';
import { constraintFiltered, modelGone, privacyRestricted, temporarilyUnavailable } from './dialects/availability.js';
import { capacityExhausted, overloaded, sharedCapacity, upstreamLimit } from './dialects/limits.js';
import { auth, billing, moderation, promptTooLong, requestRefused, serverError } from './dialects/refusals.js';
import type { WireError } from './wire-errors.js';

/** Shared-capacity messages name a per-minute limit; used when failNext has no upstreamLimit to quote. */
export const DEFAULT_SHARED_CAPACITY_RPM = 8;
/** Content chunks sent before a queued stream fault when the behaviour does not say. */
export const DEFAULT_MID_STREAM_CHUNKS = 1;

/**
 * What goes wrong with a reply after it started: the mid-stream error event, a stall, a data event
 * that is not JSON, an end without finish reason or `[DONE]`, or a reset connection.
 */
export type ReplyFault = 'error_event' | 'stall' | 'malformed' | 'truncated' | 'reset';

export type Decision =
  | { type: 'error'; kind: string; wire: WireError; fallback: boolean }
  | { type: 'error200'; kind: string; body: Record<string, unknown>; fallback: boolean }
  | { type: 'timeout'; kind: string }
  | {
      type: 'reply';
      kind: string;
      mode: ReplyMode;
      finishError?: boolean;
      fault?: { type: ReplyFault; after: number };
      /** The model thinks first (reasoning.ts). */
      thought?: Thought;
      /** Completion tokens allowed: the request's `max_tokens`, else the model's own cap. */
      budget?: number;
    };

const PROVIDERS = ['DeepInfra', 'Chutes', 'Google AI Studio', 'Venice', 'Together', 'Novita', 'Parasail', 'Targon'];

/** A stable provider name per model, like the `provider` field of real responses. */
export function providerFor(model: string): string {
  let h = 0;
  for (const ch of model) h = (h * 31 + ch.charCodeAt(0)) >>> 0;
  return PROVIDERS[h % PROVIDERS.length]!;
}

/** The dialect and the facts an error body words: the model, its provider, the wait it states. */
export function errorContext(model: string, behavior: ModelBehavior, state: SimState): ErrorContext {
  return {
    dialect: state.scenario.errorDialect ?? 'captured',
    model,
    provider: providerFor(model),
    ...(behavior.retryAfterSeconds !== undefined ? { waitSeconds: behavior.retryAfterSeconds } : {}),
  };
}

function uuid(state: SimState): string {
  let h = '';
  for (let i = 0; i < 32; i++) h += Math.floor(state.random() * 16).toString(16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

function faultAfter(behavior: ModelBehavior): number {
  return behavior.faultAfterChunks ?? DEFAULT_MID_STREAM_CHUNKS;
}

/** The decision for one failure kind (from the failNext queue, or chosen by a behaviour). */
export function decideKind(
  kind: FailureKind,
  model: string,
  entry: CatalogEntry,
  behavior: ModelBehavior,
  req: ChatRequest,
  state: SimState,
  serverStatus: 502 | 503 = 502,
): Decision {
  const ctx = errorContext(model, behavior, state);
  const error = (w: WireError): Decision => ({ type: 'error', kind, fallback: true, wire: w });
  switch (kind) {
    case 'upstream_429':
      return error(upstreamLimit(ctx));
    case 'shared_capacity_429':
      return error(sharedCapacity(ctx, behavior.upstreamLimit?.requests ?? DEFAULT_SHARED_CAPACITY_RPM, uuid(state)));
    case 'upstream_in_200':
      return { type: 'error200', kind, fallback: true, body: upstreamLimit(ctx).body };
    case 'error_in_200':
      return { type: 'error200', kind, fallback: true, body: serverError(ctx, 502).body };
    case 'finish_reason_error':
      return { type: 'reply', kind, mode: 'ok', finishError: true };
    case 'server_error':
      return error(serverError(ctx, serverStatus));
    case 'gone':
      return error(modelGone(ctx, 'no_endpoints'));
    case 'free_variant_ended':
      return error(modelGone(ctx, 'free_variant_ended'));
    case 'deprecated':
      return error(modelGone(ctx, 'model_deprecated'));
    case 'capacity_exhausted':
      return error(capacityExhausted(ctx));
    case 'overloaded':
      return error(overloaded(ctx));
    case 'unavailable':
      return error(temporarilyUnavailable(ctx));
    case 'privacy_restricted':
      return error(privacyRestricted(ctx));
    case 'constraint_filtered':
      return error(constraintFiltered(ctx));
    case 'request_refused':
      return error(requestRefused(ctx));
    // The account's own limits end the request whatever `models` lists, as on OpenRouter.
    case 'minute_limit':
      return { type: 'error', kind, fallback: false, wire: state.account.minuteRefusal() };
    case 'daily_limit':
      return { type: 'error', kind, fallback: false, wire: state.account.dailyRefusal() };
    case 'timeout':
      return { type: 'timeout', kind };
    case 'stall_after_first_chunk':
      // A non-stream call has no first chunk to send: it just hangs, like 'timeout'.
      return req.stream ? { type: 'reply', kind, mode: 'ok', fault: { type: 'stall', after: 1 } } : { type: 'timeout', kind };
    case 'bad_json':
    case 'fenced_json':
    case 'empty':
      return { type: 'reply', kind, mode: kind };
    case 'mid_stream_error':
      return req.stream
        ? { type: 'reply', kind, mode: 'ok', fault: { type: 'error_event', after: behavior.midStreamErrorAfterChunks ?? faultAfter(behavior) } }
        : { type: 'reply', kind, mode: 'ok', finishError: true };
    case 'malformed_chunk':
      return { type: 'reply', kind, mode: 'ok', fault: { type: 'malformed', after: faultAfter(behavior) } };
    case 'truncated_stream':
      return { type: 'reply', kind, mode: 'ok', fault: { type: 'truncated', after: faultAfter(behavior) } };
    case 'connection_reset':
      return { type: 'reply', kind, mode: 'ok', fault: { type: 'reset', after: faultAfter(behavior) } };
    case 'moderation':
      return error(moderation(ctx, req.lastUserText));
    case 'auth':
      return { type: 'error', kind, fallback: false, wire: auth(ctx.dialect) };
    case 'billing':
      return { type: 'error', kind, fallback: false, wire: billing(ctx.dialect) };
    case 'context_too_long': {
      const max = contextLength(entry) ?? 8192;
      const input = Math.max(promptTokens(req), max);
      return error(promptTooLong(ctx, max, input, req.maxTokens ?? 1024));
    }
  }
}

/** The decision the scenario's behaviour makes for this attempt. Order matters and is documented. */
export function decideBehavior(model: string, entry: CatalogEntry, behavior: ModelBehavior, req: ChatRequest, state: SimState): Decision {
  const decide = (kind: FailureKind, serverStatus?: 502 | 503) => decideKind(kind, model, entry, behavior, req, state, serverStatus);
  const lim = behavior.upstreamLimit;
  if (lim && state.modelWindows.take(model, lim.requests, lim.windowMs).limited) {
    const style = lim.style ?? 'upstream';
    return decide(style === 'shared_capacity' ? 'shared_capacity_429' : style === 'upstream_in_200' ? 'upstream_in_200' : 'upstream_429');
  }
  // Only an input that alone exceeds the context is refused; OpenRouter trims an oversized max_tokens.
  const max = contextLength(entry);
  if (max !== undefined && promptTokens(req) > max) {
    return { type: 'error', kind: 'context_too_long', fallback: true, wire: promptTooLong(errorContext(model, behavior, state), max, promptTokens(req), req.maxTokens ?? 0) };
  }
  if (behavior.moderation) return decide('moderation');
  if (chance(state.random, behavior.serverErrorRate)) return decide('server_error', state.random() < 0.5 ? 502 : 503);
  if (chance(state.random, behavior.errorIn200Rate)) return decide('error_in_200');
  if (chance(state.random, behavior.finishReasonErrorRate)) return decide('finish_reason_error');
  if (chance(state.random, behavior.emptyRate)) return decide('empty');
  if (wantsJson(req)) {
    if (chance(state.random, behavior.badJsonRate)) return decide('bad_json');
    if (behavior.fencedJson) return decide('fenced_json');
  }
  if (chance(state.random, behavior.malformedChunkRate)) return decide('malformed_chunk');
  if (chance(state.random, behavior.truncatedStreamRate)) return decide('truncated_stream');
  if (chance(state.random, behavior.connectionResetRate)) return decide('connection_reset');
  if (req.stream && behavior.midStreamErrorAfterChunks !== undefined) {
    return { type: 'reply', kind: 'mid_stream_error', mode: 'ok', fault: { type: 'error_event', after: behavior.midStreamErrorAfterChunks } };
  }
  return { type: 'reply', kind: 'ok', mode: 'ok' };
}

/** True when this entry cannot take the request's images. */
export function rejectsImages(entry: CatalogEntry, req: ChatRequest): boolean {
  return req.imageUrls.length > 0 && !acceptsImages(entry);
}
