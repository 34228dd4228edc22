import { afterEach, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '@freepool/openrouter-simulator';
import { DailyLimitError, PoolAbortedError, PoolExhaustedError } from '@freepool/free-model-pool';
import { FAKE_KEY, SMALL, startHarness, type Harness } from './helpers.js';

/** The local server's model: the simulator acting as Ollama/LM Studio answers any id in its catalog. It wants a bearer token, any will do. */
const LOCAL = 'meta-llama/llama-3.3-70b-instruct:free';
const LOCAL_KEY = 'local-FAKE-key-0000-LEAKCHECK';

let h: Harness | undefined;
let local: Simulator | undefined;
afterEach(async () => {
  await h?.sim.close();
  await local?.close();
  h = undefined;
  local = undefined;
});

async function start(daily: number, lastResort: Record<string, unknown> = {}, policy = {}) {
  local = await startSimulator({ scenario: { seed: 3 } });
  h = await startHarness({ account: { daily } }, { policy, pool: { lastResort: { baseURL: local.baseURL, model: LOCAL, apiKey: LOCAL_KEY, ...lastResort } } });
  await h.pool.refreshAccountStatus();
  return { h, local };
}

describe('the last resort: a local OpenAI-compatible server after the free pool gave up', () => {
  it('past the daily cap, text, objects and streams are answered locally and OpenRouter is not called again', async () => {
    const { h, local } = await start(2);
    const first = await h.pool.generateText({ tier: 'small', prompt: 'one' });
    expect(first.lastResort).toBeUndefined();
    await h.pool.generateText({ tier: 'small', prompt: 'two' });
    expect(h.sim.stats().total).toBe(2);

    const text = await h.pool.generateText({ tier: 'small', prompt: 'three' });
    expect(text.model).toBe(`last-resort:${LOCAL}`);
    expect(text.value.text).toMatch(/three/);
    expect(text.lastResort).toEqual({ model: LOCAL, baseURL: local.baseURL, reason: 'account_daily_limit' });
    const line = text.attempts.at(-1)!;
    expect(line).toMatchObject({ model: `last-resort:${LOCAL}`, lastResort: true, outcome: 'success' });
    expect(text.attempts.slice(0, -1).every((a) => a.outcome === 'skipped' && a.reason === 'account_daily_limit')).toBe(true);

    const obj = await h.pool.generateObject({ tier: 'small', prompt: 'json', schema: { type: 'object', properties: { n: { type: 'number' } }, required: ['n'] } });
    expect(obj.lastResort?.model).toBe(LOCAL);
    expect(typeof (obj.value.object as { n: unknown }).n).toBe('number');

    const stream = h.pool.streamText({ tier: 'large', prompt: 'stream me' });
    let streamed = '';
    for await (const chunk of stream.textStream) streamed += chunk;
    expect(streamed).toMatch(/stream me/);
    expect((await stream.outcome).lastResort?.reason).toBe('account_daily_limit');

    expect(h.sim.stats().total).toBe(2); // the free tier was not called again before its reset
    expect(local.stats().total).toBe(3);
    expect(local.stats().byModel[LOCAL]?.calls).toBe(3);
    expect(h.events.some((e) => e.type === 'success' && e.outcome.lastResort !== undefined)).toBe(true);
  });

  it('when every free model fails, the last resort answers; its key is never in an outcome or event', async () => {
    const { h, local } = await start(50, {}, { maxAttempts: 3 });
    for (const m of SMALL) h.sim.failNext(m, 'server_error');
    const out = await h.pool.generateText({ tier: 'small', prompt: 'hello' });
    expect(out.lastResort?.reason).toBe('server_error');
    expect(out.attempts.filter((a) => a.outcome === 'failed')).toHaveLength(3);
    expect(local.stats().total).toBe(1);
    expect(JSON.stringify([out, h.events])).not.toContain(LOCAL_KEY);
    expect(JSON.stringify([out, h.events])).not.toContain(FAKE_KEY);
  });

  it('a failing last resort leaves the pool error (same class), with its own line and cause in the message', async () => {
    const { h, local } = await start(1);
    await h.pool.generateText({ tier: 'small', prompt: 'the one call' });
    local.failNext(LOCAL, 'server_error');
    const err = await h.pool.generateText({ tier: 'small', prompt: 'past the cap' }).catch((e: unknown) => e);
    expect(DailyLimitError.isInstance(err)).toBe(true);
    const e = err as DailyLimitError;
    expect(e.message).toMatch(/^The account's daily free-model limit/);
    expect(e.message).toMatch(/The last resort \(.+\) failed too: /);
    expect(e.attempts.at(-1)).toMatchObject({ model: `last-resort:${LOCAL}`, lastResort: true, outcome: 'failed', reason: 'server_error', status: 502 });
    expect(h.sim.stats().total).toBe(1);
  });

  it('an abort is not handed over; without a last resort nothing changes', async () => {
    const { h, local } = await start(1);
    await h.pool.generateText({ tier: 'small', prompt: 'spend it' });
    const ctl = new AbortController();
    ctl.abort();
    const err = await h.pool.generateText({ tier: 'small', prompt: 'x', abortSignal: ctl.signal }).catch((e: unknown) => e);
    expect(PoolAbortedError.isInstance(err)).toBe(true);
    expect(local.stats().total).toBe(0);

    const plain = await startHarness({ account: { daily: 1 } });
    try {
      await plain.pool.refreshAccountStatus();
      await plain.pool.generateText({ tier: 'small', prompt: 'spend it' });
      const capped = await plain.pool.generateText({ tier: 'small', prompt: 'y' }).catch((x: unknown) => x);
      expect(DailyLimitError.isInstance(capped) || PoolExhaustedError.isInstance(capped)).toBe(true);
    } finally {
      await plain.sim.close();
    }
  });

  it('a background call held by the reply reserve is served locally instead (it costs nothing)', async () => {
    const { h, local } = await start(5, {}, { dailyReserve: 5 });
    const out = await h.pool.generateText({ tier: 'small', prompt: 'reflect', priority: 'background' });
    expect(out.lastResort?.reason).toBe('reserve_held');
    expect(h.sim.stats().total).toBe(0);
    expect(local.stats().total).toBe(1);
  });

  it('when no free model can be called within the wait (the account window is full), the last resort answers at once', async () => {
    const { h, local } = await start(50, {}, { freeRequestsPerWindow: 2, rateWindowMs: 60_000, maxWaitMs: 50 });
    await h.pool.generateText({ tier: 'small', prompt: 'a' });
    await h.pool.generateText({ tier: 'small', prompt: 'b' });
    const out = await h.pool.generateText({ tier: 'small', prompt: 'c' });
    expect(out.lastResort?.reason).toBe('account_minute_limit');
    expect(h.sim.stats().total).toBe(2);
    expect(local.stats().total).toBe(1);
  });
});
