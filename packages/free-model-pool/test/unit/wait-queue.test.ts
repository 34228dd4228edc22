import { describe, expect, it } from 'vitest';
import { WaitQueue } from '../../src/limits/index.js';

/** A clock and a sleep the test moves by hand: each sleep resolves when the clock passes its end. */
function manualClock() {
  let t = 1_000;
  const sleepers: Array<{ until: number; resolve: () => void; signal?: AbortSignal }> = [];
  const sleep = (ms: number, signal?: AbortSignal) =>
    new Promise<void>((resolve, reject) => {
      sleepers.push({ until: t + ms, resolve, signal });
      signal?.addEventListener('abort', () => reject(signal.reason), { once: true });
    });
  const advance = async (ms: number) => {
    t += ms;
    for (const s of sleepers.splice(0)) {
      if (s.until <= t && !s.signal?.aborted) s.resolve();
      else if (!s.signal?.aborted) sleepers.push(s);
    }
    await new Promise((r) => setImmediate(r));
  };
  return { now: () => t, sleep, advance, pendingSleeps: () => sleepers.filter((s) => !s.signal?.aborted).length };
}

describe('WaitQueue', () => {
  it('1,000 requests waiting for the same moment cost one timer, and wake in arrival order', async () => {
    const clock = manualClock();
    const q = new WaitQueue(clock.now, clock.sleep);
    const woke: number[] = [];
    const waits = Array.from({ length: 1000 }, (_, i) => q.until(clock.now() + 50).then(() => woke.push(i)));
    expect(q.timers).toBe(1);
    expect(clock.pendingSleeps()).toBe(1);
    expect(q.waiting).toBe(1000);
    await clock.advance(50);
    await Promise.all(waits);
    expect(woke).toEqual(Array.from({ length: 1000 }, (_, i) => i));
    expect(q.timers).toBe(0);
  });

  it('reply-path waiters wake before background ones of the same moment, each group in arrival order', async () => {
    const clock = manualClock();
    const q = new WaitQueue(clock.now, clock.sleep);
    const woke: string[] = [];
    const at = clock.now() + 10;
    const all = [
      q.until(at, { rank: 1 }).then(() => woke.push('bg1')),
      q.until(at, { rank: 0 }).then(() => woke.push('reply1')),
      q.until(at, { rank: 1 }).then(() => woke.push('bg2')),
      q.until(at, { rank: 0 }).then(() => woke.push('reply2')),
    ];
    await clock.advance(10);
    await Promise.all(all);
    expect(woke).toEqual(['reply1', 'reply2', 'bg1', 'bg2']);
  });

  it('an aborted waiter leaves at once with its reason; the last one to leave cancels the timer', async () => {
    const clock = manualClock();
    const q = new WaitQueue(clock.now, clock.sleep);
    const a = new AbortController();
    const b = new AbortController();
    const pa = q.until(clock.now() + 100, { signal: a.signal });
    const pb = q.until(clock.now() + 100, { signal: b.signal });
    a.abort(new Error('caller left'));
    await expect(pa).rejects.toThrow('caller left');
    expect(q.waiting).toBe(1);
    expect(q.timers).toBe(1);
    b.abort(new Error('also left'));
    await expect(pb).rejects.toThrow('also left');
    expect(q.timers).toBe(0);
    expect(clock.pendingSleeps()).toBe(0);
  });

  it('a moment already past resolves at once; an already-aborted signal rejects at once', async () => {
    const clock = manualClock();
    const q = new WaitQueue(clock.now, clock.sleep);
    await expect(q.until(clock.now() - 5)).resolves.toBeUndefined();
    const ac = new AbortController();
    ac.abort(new Error('gone'));
    await expect(q.until(clock.now() + 5, { signal: ac.signal })).rejects.toThrow('gone');
    expect(q.timers).toBe(0);
  });

  it('a timer that ends a millisecond early does not wake anyone before the moment', async () => {
    // Node's timers run on their own clock; Date.now() can read a millisecond short when one fires.
    let t = 1_000;
    const early = (ms: number) =>
      new Promise<void>((resolve) => {
        t += ms > 1 ? ms - 1 : ms;
        setImmediate(resolve);
      });
    const q = new WaitQueue(() => t, early);
    const at = t + 50;
    await q.until(at);
    expect(t).toBeGreaterThanOrEqual(at);
    expect(q.timers).toBe(0);
  });
});
