/**
 * Tier fallback with patience. Every large model is down (each answers 429 and cools for a minute);
 * the small tier is healthy. A reply-path large request waits for its own tier only as long as a
 * person would (`replyPatienceMs`), then takes a small model's answer; a background request may wait
 * for its own tier as long as `maxWaitMs` allows. The trail says why it fell back.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { callsTo, LARGE, SMALL, startHarness, type Harness } from './helpers.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.sim.close();
  h = undefined;
});

const DOWN = { upstreamLimit: { requests: 0, windowMs: 60_000, style: 'upstream' as const } };
const LARGE_DOWN = Object.fromEntries(LARGE.map((m) => [m, DOWN]));

describe('a large request with the large tier down and the small one healthy', () => {
  it('is answered by the small tier at once, each time: the large models are called only while they are not cooling', async () => {
    // Cooldowns (10 s) shorter than the wait (30 s) but longer than a reply's patience (100 ms).
    h = await startHarness({ models: LARGE_DOWN }, { policy: { cooldownLadderMs: [10_000], cooldownJitter: 0, maxWaitMs: 30_000, replyPatienceMs: 100 } });
    const first = await h.pool.generateText({ tier: 'large', prompt: 'one' });
    expect(first).toMatchObject({ tier: 'small', fellBackFrom: 'large', model: SMALL[0] });
    expect(h.sim.stats().total).toBe(LARGE.length + 1);
    for (let i = 0; i < 3; i++) {
      const r = await h.pool.generateText({ tier: 'large', prompt: `again ${i}` });
      expect(r.tier).toBe('small');
      expect(r.waitedMs).toBe(0);
      expect(r.fellBackBecause).toMatch(/^the large pool's first model is back at \d\d:\d\d:\d\dZ \(in [\d.]+ m?s\), later than a reply waits \(100 ms\), and the small pool could answer now$/);
      const note = r.attempts.find((a) => a.tier === 'small')!.note;
      expect(note).toBe(`fell back to the small pool: ${r.fellBackBecause}`);
    }
    // While they cooled, no large model was called again.
    for (const m of LARGE) expect(callsTo(h.sim, m)).toBe(1);
  });

  it('waits for its own tier when that is within the patience', async () => {
    h = await startHarness({}, { policy: { cooldownLadderMs: [150], cooldownJitter: 0, maxWaitMs: 2_000, replyPatienceMs: 1_000 } });
    for (const m of LARGE) h.sim.failNext(m, 'upstream_429');
    const r = await h.pool.generateText({ tier: 'large', prompt: 'hello' });
    expect(r.tier).toBe('large');
    for (const m of SMALL) expect(callsTo(h.sim, m)).toBe(0);
  });

  it('a background request waits for its own tier up to maxWaitMs instead', async () => {
    h = await startHarness({}, { policy: { cooldownLadderMs: [300], cooldownJitter: 0, maxWaitMs: 2_000, replyPatienceMs: 100 } });
    for (const m of LARGE) h.sim.failNext(m, 'upstream_429');
    const r = await h.pool.generateText({ tier: 'large', prompt: 'hello', priority: 'background' });
    expect(r.tier).toBe('large');
    expect(r.waitedMs).toBeGreaterThan(0);
    for (const m of SMALL) expect(callsTo(h.sim, m)).toBe(0);
  });

  it('does not give up its own tier for a fallback tier that cannot answer now either', async () => {
    // The small models say how long they are out (a minute), so they stay out however slow this machine is.
    const SMALL_DOWN = Object.fromEntries(SMALL.map((m) => [m, { ...DOWN, retryAfterSeconds: 60 }]));
    h = await startHarness({ models: SMALL_DOWN }, { policy: { cooldownLadderMs: [300], cooldownJitter: 0, maxWaitMs: 2_000, replyPatienceMs: 100, tierFallback: { large: ['small'] } } });
    await h.pool.generateText({ tier: 'small', prompt: 'the small tier cools', deadlineMs: 200 }).catch(() => undefined);
    for (const m of LARGE) h.sim.failNext(m, 'upstream_429');
    const r = await h.pool.generateText({ tier: 'large', prompt: 'hello' });
    expect(r.tier).toBe('large');
    expect(r.waitedMs).toBeGreaterThan(0);
  });
});
