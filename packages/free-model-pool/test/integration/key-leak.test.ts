import { afterEach, describe, expect, it } from 'vitest';
import { deepSerialise } from '../../../../test/helpers/deep-serialise.js';
import { FAKE_KEY, SMALL, startHarness, type Harness } from './helpers.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.sim.close();
  h = undefined;
});

/** Settles a promise into what the caller saw. */
const settle = (p: Promise<unknown>) => p.then((v) => ({ value: v }), (error: unknown) => ({ error }));

describe('the key never reaches an error, a cause or an event', () => {
  it('a server that quotes the key in every error: nothing the pool throws or emits contains it, however deeply serialised', async () => {
    h = await startHarness({ echoKeyInErrors: true, defaultBehavior: { faultAfterChunks: 1 } }, { policy: { maxAttempts: 3, cooldownLadderMs: [1, 1, 1], cooldownJitter: 0 } });
    const { sim, pool } = h;
    const seen: unknown[] = [];
    // A rotation past echoed 429s and 502s that ends in an answer.
    sim.failNext(SMALL[0], 'upstream_429');
    sim.failNext(SMALL[1], 'server_error');
    seen.push(await settle(pool.generateText({ tier: 'small', prompt: 'rotate' })));
    // Every model failing with echoed errors: an exhausted pool with the whole trail.
    sim.failNext('*', 'error_in_200', 3);
    seen.push(await settle(pool.generateText({ tier: 'large', prompt: 'exhaust' })));
    // Stopped at once: the key rejected.
    sim.failNext('*', 'auth');
    seen.push(await settle(pool.generateText({ tier: 'small', prompt: 'auth' })));
    // Streams: before the first chunk, and broken after it (the cause chain carries the provider's error).
    sim.failNext('*', 'upstream_in_200');
    const s1 = pool.streamText({ tier: 'vision', prompt: 'stream' });
    seen.push(await settle(s1.outcome));
    sim.failNext('*', 'mid_stream_error');
    const s2 = pool.streamText({ tier: 'vision', prompt: 'stream and break' });
    seen.push(await settle(s2.outcome));
    // An aborted request and a caller's bad input.
    const ac = new AbortController();
    sim.failNext('*', 'timeout');
    const aborted = pool.generateText({ tier: 'small', prompt: 'abort me', abortSignal: ac.signal });
    setTimeout(() => ac.abort(new Error(`caller gave up, key ${FAKE_KEY}`)), 20);
    seen.push(await settle(aborted));
    seen.push(await settle(pool.generateObject({ tier: 'small', prompt: 'x', schema: { type: 'object', properties: 'nope' } as never })));

    // The check saw real failures: echoed messages reached the pool (redacted) and errors carry causes.
    const errors = seen.filter((s): s is { error: unknown } => 'error' in (s as object)).map((s) => s.error);
    expect(errors.length).toBeGreaterThanOrEqual(5);
    expect(sim.stats().total).toBeGreaterThanOrEqual(8);
    const text = deepSerialise({ seen, events: h.events });
    expect(text).toContain('[REDACTED]');
    expect(text).toContain('cause');
    const at = text.indexOf(FAKE_KEY);
    expect(at, at >= 0 ? text.slice(Math.max(0, at - 300), at + 50) : '').toBe(-1);
    // Nor the key without its recognisable prefix.
    expect(text).not.toContain(FAKE_KEY.slice('sk-or-v1-'.length));
  });
});
