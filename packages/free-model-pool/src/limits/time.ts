/** Time helpers shared by the limits layer. */

/** Epoch ms of the next UTC midnight strictly after `now` (OpenRouter's daily reset). */
export function nextUtcMidnight(now: number): number {
  const d = new Date(now);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() + 1);
}

/** Sleeps `ms`, rejecting at once with the signal's reason when it aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    if (signal?.aborted) {
      reject(abortReason(signal));
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(abortReason(signal!));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, Math.max(0, ms));
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** The signal's reason, or a DOMException AbortError when it has none. */
export function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException('This operation was aborted', 'AbortError');
}

/**
 * Runs `sleep` but settles as soon as `signal` aborts, even if the injected sleep ignores the signal
 * (test clocks often do).
 */
export function sleepUnlessAborted(
  sleepFn: (ms: number, signal?: AbortSignal) => Promise<void>,
  ms: number,
  signal?: AbortSignal,
): Promise<void> {
  if (!signal) return sleepFn(ms);
  if (signal.aborted) return Promise.reject(abortReason(signal));
  return new Promise<void>((resolve, reject) => {
    const onAbort = () => reject(abortReason(signal));
    signal.addEventListener('abort', onAbort, { once: true });
    sleepFn(ms, signal).then(
      () => {
        signal.removeEventListener('abort', onAbort);
        resolve();
      },
      (e) => {
        signal.removeEventListener('abort', onAbort);
        reject(e);
      },
    );
  });
}

/**
 * Sleeps `ms`, or until `settles` settles, whichever comes first (the sleep is then cut short, so it
 * holds no timer or queue place); rejects at once with the signal's reason when `signal` aborts,
 * even if the injected sleep ignores the signal.
 */
export async function sleepUntilSettled(
  sleepFn: (ms: number, signal?: AbortSignal) => Promise<void>,
  ms: number,
  settles: Promise<unknown> | undefined,
  signal?: AbortSignal,
): Promise<void> {
  if (signal?.aborted) throw abortReason(signal);
  const done = new AbortController();
  let onAbort!: () => void;
  const aborted = new Promise<void>((resolve) => (onAbort = resolve));
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    const slept = sleepFn(ms, done.signal).catch(() => {});
    await Promise.race([slept, aborted, ...(settles ? [settles.then(noop, noop)] : [])]);
  } finally {
    done.abort();
    signal?.removeEventListener('abort', onAbort);
  }
  if (signal?.aborted) throw abortReason(signal);
}

function noop(): void {}
