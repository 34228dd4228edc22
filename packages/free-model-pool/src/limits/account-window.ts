import type { AccountWindowState, ClassifiedFailure } from '../types.js';

/**
 * The account window's decisions, shared by the local pacer (limits/account-pacer.ts) and a fleet's
 * shared ledger, which runs them inside its database transaction: how many calls the server's
 * current window holds, whether one more may go, and what a per-minute 429 teaches.
 *
 * Counting. Until the server has shown how it counts, a sliding window: at most `limit` calls in
 * any `windowMs`, which is at least as strict as any alignment the server may use. A per-minute 429's
 * reset says which it is (`windowKindFrom`). Fixed boundaries (`serverWindowEdge`): OpenRouter resets
 * on the UTC minute (`edge + k·windowMs`), and a new window takes `limit` calls however recent the
 * last ones were; counted the sliding way, every boundary would stay shut until the previous window's
 * answers slid out, up to one answer's latency past the reset, enough to push a request that waited
 * one window past its `maxWaitMs`. A sliding window (a reset at the oldest counted call plus the
 * window, `windowSlides`): the sliding count, which never sends early; and since the server counted
 * each call somewhere between its send and its answer, a request whose slot may open within its
 * wait waits for it (at most one call's latency longer) instead of failing at once.
 *
 * Confirming. Beyond the most calls the server has accepted in one window (`confirmed`; half the
 * limit on a fresh state), one call at a time: a limit lower than configured then costs the one call
 * that meets it, not every call in flight when the first 429 arrives.
 */
export interface WindowClock {
  windowMs: number;
  /**
   * Calls made this close before a boundary count in the window after it too. The learned edge is
   * kept later than the server's by up to twice the clock margin, and a call in that band may reach
   * the server after its boundary.
   */
  guardMs: number;
}

export interface WindowCount {
  /** Calls that count against the window the server is in now. */
  used: number;
  /** When a slot opens again if the window is full (`used >= limit`). */
  opensAt: number;
  /**
   * The soonest it may open, when that is earlier: a sliding window counts each call somewhere
   * between its send and the moment `opensAt` assumes (see countWindow).
   */
  opensFrom?: number;
}

/**
 * The window with its limit between 1 and `cap` (the configured limit, or the caller's: a learned
 * limit only lowers it) and its confirmed count no higher than the limit.
 */
export function boundWindow(s: AccountWindowState, cap: number): AccountWindowState {
  const limit = Math.max(1, Math.min(s.limit, cap));
  const { confirmed, ...rest } = s;
  return { ...rest, limit, ...(confirmed !== undefined ? { confirmed: Math.min(confirmed, limit) } : {}) };
}

/** How long sends are kept: one window, and the guard band once counted by the server's windows. */
export function keptFor(s: Pick<AccountWindowState, 'serverWindowEdge'>, clock: WindowClock): number {
  return clock.windowMs + (s.serverWindowEdge !== undefined ? clock.guardMs : 0);
}

/**
 * `pending`: send times of calls not yet answered. Such a call may reach the server in a later
 * window, so it counts in every window until its answer arrives. An answered call is recorded at its
 * answer time, no earlier than the server counted it. Once the server's window is known to slide,
 * `calls` (every call of the window, from its send to its answer) also say the soonest a slot may
 * open (`opensFrom`): each call left the server's window between a window after its send and a
 * window after its answer.
 */
export function countWindow(s: AccountWindowState, now: number, clock: WindowClock, pending: readonly number[], calls?: readonly SentCall[]): WindowCount {
  if (s.serverWindowEdge === undefined) {
    if (s.windowSlides && calls) {
      const counted = calls.filter((c) => (c.to ?? c.from) > now - clock.windowMs);
      if (counted.length < s.limit) return { used: counted.length, opensAt: now };
      const at = counted.map((c) => c.to ?? c.from).sort((a, b) => a - b);
      const from = counted.map((c) => c.from).sort((a, b) => a - b);
      return { used: counted.length, opensAt: at[at.length - s.limit]! + clock.windowMs, opensFrom: from[from.length - s.limit]! + clock.windowMs };
    }
    const sent = s.sentAt.filter((t) => t > now - clock.windowMs);
    // The slot frees when the send `limit` places back leaves the window.
    const opensAt = sent.length >= s.limit ? sent[sent.length - s.limit]! + clock.windowMs : now;
    return { used: sent.length, opensAt };
  }
  const start = windowStartAt(s.serverWindowEdge, now, clock.windowMs);
  const from = start - clock.guardMs;
  const inWindow = s.sentAt.filter((t) => t >= from).length;
  const earlierPending = pending.filter((t) => t < from && s.sentAt.includes(t)).length;
  return { used: inWindow + earlierPending, opensAt: start + clock.windowMs };
}

/** Start of the server window containing `now`, given one moment at which a window begins. */
export function windowStartAt(edge: number, now: number, windowMs: number): number {
  return edge + Math.floor((now - edge) / windowMs) * windowMs;
}

/**
 * `ok` (with `frontier` when the call goes beyond the confirmed count), or when a slot opens;
 * `confirming` when the wait is for the answer of the call beyond the confirmed count.
 */
export type SlotDecision = { ok: true; frontier: boolean } | { ok: false; waitUntil: number; opensFrom?: number; confirming?: true };

export interface SlotQuestion {
  state: AccountWindowState;
  now: number;
  clock: WindowClock;
  pending: readonly number[];
  /** Every call of the window from its send (see countWindow). */
  calls?: readonly SentCall[];
  /** Send time of the unanswered call beyond the confirmed count, if one is younger than a window. */
  frontierAt: number | undefined;
  confirm: boolean;
}

/** Whether one more free call may be sent now. */
export function decideSlot(q: SlotQuestion): SlotDecision {
  const { state: s, now } = q;
  if (s.blockedUntil > now) return { ok: false, waitUntil: s.blockedUntil };
  const c = countWindow(s, now, q.clock, q.pending, q.calls);
  if (c.used >= s.limit) return { ok: false, waitUntil: c.opensAt, ...(c.opensFrom !== undefined && c.opensFrom < c.opensAt ? { opensFrom: c.opensFrom } : {}) };
  if (!q.confirm || c.used < (s.confirmed ?? Math.ceil(s.limit / 2))) return { ok: true, frontier: false };
  if (q.frontierAt !== undefined) return { ok: false, waitUntil: q.frontierAt + q.clock.windowMs, confirming: true };
  return { ok: true, frontier: true };
}

/**
 * How many calls the server's acceptance of the call beyond the confirmed count vouches for: its
 * current window held them all. Known windows (fixed or sliding): the calls they count. Not known
 * yet: only the calls sent since the last whole window boundary (OpenRouter's windows are the UTC
 * minutes), since a call sent before it may have fallen in the server's previous window; counted
 * the sliding way, calls on both sides of a boundary would vouch for a window twice as full.
 */
export function acceptedInWindow(s: AccountWindowState, now: number, clock: WindowClock, pending: readonly number[], calls: readonly SentCall[]): number {
  const used = countWindow(s, now, clock, pending, calls).used;
  if (s.serverWindowEdge !== undefined || s.windowSlides) return used;
  const boundary = Math.floor(now / clock.windowMs) * clock.windowMs;
  return Math.min(used, calls.filter((c) => c.from >= boundary).length);
}

/**
 * The confirmed count once the call beyond it was accepted, with `used` calls in the window: slow
 * start, twice what the window holds (at most the limit). A limit at its configured value is
 * confirmed after one such call; one held at half of it costs the single call that meets it.
 */
export function confirmedAfterAccepted(s: AccountWindowState, used: number): number {
  return Math.max(s.confirmed ?? 0, Math.min(s.limit, Math.max((s.confirmed ?? 0) + 1, 2 * used)));
}

export interface MinuteLimitPolicy {
  /** The configured limit: a 429 never raises the window above it. */
  configuredLimit: number;
  windowMs: number;
  /** How far this clock may be from the server's (PoolPolicy.accountClockMarginMs). */
  marginMs: number;
  confirm: boolean;
}

/** A call of the window: reserved at `from`, answered at `to` (undefined while in flight). The server counted it in between. */
export interface SentCall {
  from: number;
  to?: number;
}

/**
 * What the server's per-minute 429 teaches, given the window as it stood (`used` calls counted), the
 * calls it holds (`seen.calls`: where the server may have counted each), and whether the reset, as
 * the server wrote it, is on a window boundary (`seen.resetOnBoundary`; read from `retryAt` when
 * not given, which a shared ledger cannot do: it gets the reset as a duration):
 * - No call before its reset, at most one window away (a reset further off can only be the server's
 *   clock ahead of ours); without a reset, one window.
 * - `X-RateLimit-Limit` (16 has been seen instead of 20) becomes the limit, never above the
 *   configured one, and is confirmed: the server has said what a window holds. Without the header,
 *   a refusal just past the confirmed count makes that count the limit.
 * - How the server counts its window (`windowKindFrom`), and for fixed boundaries where they begin
 *   (`windowEdgeFrom`).
 */
export function learnMinuteLimit(
  s: AccountWindowState,
  failure: Pick<ClassifiedFailure, 'retryAt' | 'rateLimitLimit'>,
  now: number,
  used: number,
  p: MinuteLimitPolicy,
  seen: { calls?: readonly SentCall[]; resetOnBoundary?: boolean } = {},
): AccountWindowState {
  const next: AccountWindowState = { ...s, sentAt: [...s.sentAt] };
  const oneWindow = now + p.windowMs;
  const until = failure.retryAt !== undefined && failure.retryAt > now ? Math.min(failure.retryAt, oneWindow) : oneWindow;
  next.blockedUntil = Math.max(s.blockedUntil, until);
  // A 429 without a reset says nothing about how the server counts: what is known stays.
  if (failure.retryAt !== undefined) {
    const onBoundary = seen.resetOnBoundary ?? onWindowBoundary(failure.retryAt, p.windowMs);
    const kind = windowKindFrom(failure.retryAt, onBoundary, seen.calls ?? [], p);
    const edge = kind === 'sliding' ? undefined : windowEdgeFrom(failure.retryAt, now, p);
    if (edge === undefined) delete next.serverWindowEdge;
    else next.serverWindowEdge = edge;
    if (kind === 'sliding') next.windowSlides = true;
    else delete next.windowSlides;
  }
  if (failure.rateLimitLimit !== undefined && failure.rateLimitLimit >= 1) {
    next.limit = Math.min(p.configuredLimit, Math.floor(failure.rateLimitLimit));
    if (p.confirm) next.confirmed = next.limit;
  } else if (p.confirm && s.confirmed !== undefined && s.confirmed >= 1 && used > s.confirmed) {
    next.limit = Math.min(next.limit, s.confirmed);
  }
  if (next.confirmed !== undefined) next.confirmed = Math.min(next.confirmed, next.limit);
  return next;
}

/**
 * How the server counts its window, from a per-minute 429's reset:
 * - `fixed` when the reset is on a boundary: a whole number of windows since the epoch, as
 *   OpenRouter's is (the UTC minute); or when it is no call's arrival plus a window;
 * - `sliding` when, off every boundary, it is the arrival of a call the window holds plus the window
 *   (the oldest call the server counts leaves its window then): somewhere between the call's send and
 *   its answer, give or take the clock margin.
 */
export function windowKindFrom(
  resetAt: number,
  onBoundary: boolean,
  calls: readonly SentCall[],
  p: Pick<MinuteLimitPolicy, 'windowMs' | 'marginMs'>,
): 'fixed' | 'sliding' {
  if (onBoundary) return 'fixed';
  const arrival = resetAt - p.windowMs;
  const named = calls.some((c) => arrival >= c.from - p.marginMs && arrival <= (c.to ?? Number.POSITIVE_INFINITY) + p.marginMs);
  return named ? 'sliding' : 'fixed';
}

/** Whether a reset, as the server wrote it (epoch ms), is a whole number of windows since the epoch. */
export function onWindowBoundary(resetAt: number, windowMs: number): boolean {
  return Number.isInteger(resetAt) && resetAt % windowMs === 0;
}

/**
 * A moment at which the server's windows begin, from a per-minute 429's reset, kept `marginMs`
 * later than the reset says so that a clock up to that far ahead of the server's still counts each
 * call in the window the server puts it in (the guard band covers the other side).
 * - A reset within the next window is a boundary.
 * - A reset already past means the server's clock is behind ours by more than the margin (or the
 *   boundary passed while the answer travelled): its windows begin later than we thought, no earlier
 *   than now. Each such 429 moves the edge later; it settles within a few.
 * - A reset more than a window away (the clock far ahead) says nothing reliable: undefined, the
 *   sliding window.
 */
export function windowEdgeFrom(resetAt: number, now: number, p: Pick<MinuteLimitPolicy, 'windowMs' | 'marginMs'>): number | undefined {
  if (resetAt > now + p.windowMs) return undefined;
  return Math.max(resetAt, now) + p.marginMs;
}
