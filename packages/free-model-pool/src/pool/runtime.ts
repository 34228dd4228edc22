import type { Account } from '../account/account.js';
import type { CooldownLadder, WaitQueue } from '../limits/index.js';
import type { PoolDefinition, PoolPolicy } from '../settings.js';
import type { PoolStore } from '../state/store.js';
import type { PoolEvent, PoolEventListener } from './requests.js';

/** Everything the run loop reads and updates, assembled once by the FreeModelPool facade. */
export interface PoolRuntime {
  policy: Readonly<PoolPolicy>;
  store: PoolStore;
  now: () => number;
  /** Abortable sleep; injectable so tests could compress waits further. */
  sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Where requests wait for capacity, one timer per moment (built on `sleep`). */
  waits: WaitQueue;
  getPool: () => PoolDefinition;
  /** The account's free-model limits (the window, the day, the reserve): wherever they are kept. */
  account: Account;
  ladder: CooldownLadder;
  /** Strings scrubbed from every message the pool emits or throws (the API key). */
  secrets: readonly (string | undefined)[];
  onEvent?: PoolEventListener;
}

/**
 * Whether a call counts against OpenRouter's free-model limits: `:free` variants, and the
 * `openrouter/free` router (which picks a free variant). A paid model a user pins does not.
 */
export function countsAsFreeCall(modelId: string): boolean {
  return modelId.endsWith(':free') || modelId === 'openrouter/free';
}

/** Reports an event to the pool's listener; a listener that throws must not break the request. */
export function emitEvent(rt: PoolRuntime, event: PoolEvent): void {
  try {
    rt.onEvent?.(event);
  } catch {
    // ignored: the listener's problem, not the request's
  }
}
