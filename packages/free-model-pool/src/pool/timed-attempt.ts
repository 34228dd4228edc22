import { classifyFailure, redactSecrets } from '../failures/index.js';
import type { ClassifiedFailure } from '../types.js';
import { ClassifiedAttemptError } from './attempt-error.js';
import type { AttemptFn, AttemptNote, AttemptResult } from './run-types.js';
import type { PoolRuntime } from './runtime.js';

/** The reason an attempt's own timer fired, so it is never mistaken for the caller's abort. */
class AttemptTimeoutError extends Error {
  constructor(ms: number) {
    super(`no answer within ${ms} ms`);
    this.name = 'TimeoutError';
  }
}

/**
 * Runs one attempt under its own timeout. The attempt's signal fires on the caller's abort or the
 * timeout; `timedOut` says which, so a timeout is never mistaken for the caller's abort.
 */
export async function timedAttempt<T>(
  attemptFn: AttemptFn<T>,
  modelId: string,
  userSignal: AbortSignal | undefined,
  timeoutMs: number,
  note: AttemptNote = {},
): Promise<{ result?: AttemptResult<T>; error?: unknown; timedOut: boolean }> {
  const controller = new AbortController();
  const handle = setTimeout(() => controller.abort(new AttemptTimeoutError(timeoutMs)), timeoutMs);
  // Linked by hand and unlinked in `finally`, not with AbortSignal.any: a caller that reuses one
  // long-lived signal would otherwise keep a dependant signal per attempt alive (Node 20).
  const onCallerAbort = () => controller.abort(userSignal!.reason);
  if (userSignal?.aborted) onCallerAbort();
  else userSignal?.addEventListener('abort', onCallerAbort, { once: true });
  try {
    return { result: await attemptFn(modelId, controller.signal, note), timedOut: false };
  } catch (error) {
    return { error, timedOut: controller.signal.reason instanceof AttemptTimeoutError && !userSignal?.aborted };
  } finally {
    clearTimeout(handle);
    userSignal?.removeEventListener('abort', onCallerAbort);
  }
}

/** One reason for a failed attempt: pre-classified, our own timeout, or classifyFailure. */
export function classifyAttemptError(
  error: unknown,
  timedOut: boolean,
  timeoutMs: number,
  rt: PoolRuntime,
  userSignal: AbortSignal | undefined,
): ClassifiedFailure {
  let failure: ClassifiedFailure;
  if (ClassifiedAttemptError.isInstance(error)) failure = { ...error.failure };
  else if (timedOut) failure = { reason: 'timeout', message: `no answer within ${timeoutMs} ms` };
  else failure = classifyFailure(error, { now: rt.now(), callerSignal: userSignal, secrets: rt.secrets });
  failure.message = redactSecrets(failure.message, rt.secrets);
  return failure;
}
