import type { AccountSlot } from '../account/account.js';
import type { Run } from './run-state.js';
import { countsAsFreeCall } from './runtime.js';

/**
 * The account's slot for a call to `modelId` (waiting up to maxWaitMs, bounded by the deadline), as
 * the run loop sees it; where the account lives (this process, or every process on the key) is the account's
 * business. Paid models need none: undefined. `again` when no slot was taken: the account blocked
 * free models (recorded on the run) or the model was no longer wanted (`wanted` said no: cooled,
 * removed or filled meanwhile); the loop looks at the model again. `deadline` when the wait ended
 * at the deadline, where a call could only time out and would still count against the day.
 */
export async function takeSlot(run: Run, modelId: string, wanted: () => boolean): Promise<AccountSlot | undefined | 'again' | 'deadline'> {
  const { rt } = run;
  if (!countsAsFreeCall(modelId)) return undefined;
  const maxWaitMs = Math.max(0, Math.min(rt.policy.maxWaitMs, run.deadline - rt.now()));
  const taken = await rt.account.take({ priority: run.opts.priority, signal: run.signal, maxWaitMs, wanted }).catch((e: unknown) => {
    if (run.signal?.aborted) run.abort(e);
    throw e;
  });
  const waitedMs = 'slot' in taken ? taken.slot.waitedMs : taken.waitedMs;
  if (waitedMs > 0) {
    run.totalWaited += waitedMs;
    run.emit({ type: 'wait', tier: run.tier, waitMs: waitedMs, reason: 'account_minute_limit' });
  }
  if ('block' in taken) {
    run.block(taken.block);
    return 'again';
  }
  if ('withdrawn' in taken) return 'again';
  if (run.signal?.aborted) {
    rt.account.release(taken.slot);
    run.abort(run.signal.reason);
  }
  if (run.deadlinePassed()) {
    rt.account.release(taken.slot);
    return 'deadline';
  }
  return taken.slot;
}
