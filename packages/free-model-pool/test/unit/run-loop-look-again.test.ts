import { describe, expect, it } from 'vitest';
import { runPooled, type AttemptFn } from '../../src/pool/run-loop.js';
import { fakeRuntime, MODEL } from './fake-runtime.js';

describe('a cooldown that ends while a pass runs', () => {
  it('is looked at again, not taken for "nothing within the wait": the model answers', async () => {
    const { rt, now, advance } = fakeRuntime({ maxWaitMs: 60_000 });
    const backAt = now() + 5;
    rt.store.setModelHealth(MODEL, { cooldownUntil: backAt, consecutiveFailures: 1, removed: false, updatedAt: now(), lastReason: 'model_rate_limit' });
    // The pass sees the model cooling; by the time it asks when to look again, the cooldown has ended
    // (on a busy machine, a few milliseconds pass between the two).
    rt.onEvent = (e) => {
      if (e.type === 'attempt' && e.attempt.outcome === 'skipped' && now() < backAt) advance(10);
    };
    const calls: string[] = [];
    const attempt: AttemptFn<string> = async (model) => {
      calls.push(model);
      return { value: 'answer' };
    };

    const outcome = await runPooled(rt, 'small', {}, attempt);

    expect(outcome).toMatchObject({ value: 'answer', model: MODEL, tier: 'small' });
    expect(calls).toEqual([MODEL]);
  });
});
