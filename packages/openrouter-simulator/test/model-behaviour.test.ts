import { afterEach, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '@freepool/openrouter-simulator';
import { LARGE, SMALL, VISION, authHeaders, chat, chatGivingUpAfter } from './helpers.js';

let sim: Simulator | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

describe('per-model upstream limits', () => {
  it("'upstream' style: 429 Provider returned error with the raw upstream text, then rotation helps", async () => {
    sim = await startSimulator({ scenario: { models: { [SMALL]: { upstreamLimit: { requests: 1, windowMs: 60_000 }, retryAfterSeconds: 7 } } } });
    expect((await chat(sim.baseURL, { model: SMALL })).status).toBe(200);
    const limited = await chat(sim.baseURL, { model: SMALL });
    expect(limited.status).toBe(429);
    expect(limited.json.error.message).toBe('Provider returned error');
    expect(limited.json.error.metadata.raw).toMatch(new RegExp(`^${SMALL.replace(/[.]/g, '\\.')} is temporarily rate-limited upstream`));
    expect(limited.json.error.metadata.provider_name).toEqual(expect.any(String));
    expect(limited.headers.get('retry-after')).toBe('7');
    expect(limited.headers.get('x-ratelimit-limit')).toBeNull();
    expect((await chat(sim.baseURL, { model: LARGE })).status).toBe(200);
  });

  it("'shared_capacity' style names the model and its per-minute limit", async () => {
    sim = await startSimulator({ scenario: { models: { [SMALL]: { upstreamLimit: { requests: 0, windowMs: 60_000, style: 'shared_capacity' } } } } });
    const limited = await chat(sim.baseURL, { model: SMALL });
    expect(limited.status).toBe(429);
    expect(limited.json.error.message).toMatch(
      /^Rate limit exceeded: limit_rpm\/meta-llama\/llama-3\.2-3b-instruct\/[0-9a-f-]{36}\. High demand for meta-llama\/llama-3\.2-3b-instruct:free on OpenRouter - limited to 0 requests per minute\. Please retry shortly\.$/,
    );
    expect(limited.json.error.metadata.limit_source).toBe('openrouter_shared_capacity');
  });

  it("'upstream_in_200' style: HTTP 200, top-level error, no choices", async () => {
    sim = await startSimulator({ scenario: { models: { [SMALL]: { upstreamLimit: { requests: 0, windowMs: 60_000, style: 'upstream_in_200' } } } } });
    const r = await chat(sim.baseURL, { model: SMALL });
    expect(r.status).toBe(200);
    expect(r.json.choices).toBeUndefined();
    expect(r.json.error).toMatchObject({ code: 429, message: 'Provider returned error' });
    expect(r.json.error.metadata.raw).toMatch(/temporarily rate-limited upstream/);
    expect(sim.stats().byStatus).toEqual({ '200-error': 1 });
  });
});

describe('failNext queue', () => {
  it('fails exactly the queued calls, in order, and records each', async () => {
    sim = await startSimulator();
    sim.failNext(SMALL, 'error_in_200');
    sim.failNext(SMALL, 'finish_reason_error');
    sim.failNext(SMALL, 'moderation');
    sim.failNext(SMALL, 'billing');
    sim.failNext(SMALL, 'auth');
    sim.failNext(SMALL, 'context_too_long');
    sim.failNext(SMALL, 'gone');
    sim.failNext(SMALL, 'empty');
    const rs = [];
    for (let i = 0; i < 9; i++) rs.push(await chat(sim.baseURL, { model: SMALL, messages: [{ role: 'user', content: 'some violence here' }] }));
    expect(rs.map((r) => r.status)).toEqual([200, 200, 403, 402, 401, 400, 404, 200, 200]);
    expect(rs[0]!.json.error.message).toBe('Provider returned error');
    expect(rs[1]!.json.choices[0]).toMatchObject({ finish_reason: 'error', error: { code: 502 } });
    expect(rs[2]!.json.error.message).toMatch(/requires moderation on .+\. Your input was flagged for "violence"\. No credits were charged\./);
    expect(rs[2]!.json.error.metadata).toMatchObject({ reasons: ['violence'], flagged_input: 'some violence here', model_slug: SMALL });
    expect(rs[3]!.json.error.message).toBe('Insufficient credits. Add more using https://openrouter.ai/credits');
    expect(rs[4]!.json.error.message).toBe('User not found.');
    expect(rs[5]!.json.error.message).toMatch(/^This endpoint's maximum context length is 131072 tokens\. However, you requested about \d+ tokens/);
    expect(rs[6]!.json.error.message).toBe(`No endpoints found for ${SMALL}.`);
    expect(rs[7]!.json.choices[0].message.content).toBe('');
    expect(rs[8]!.json.choices[0].message.content).toMatch(/^Simulated reply/);
    const stats = sim.stats();
    expect(stats.total).toBe(9);
    expect(stats.byModel[SMALL]!.byStatus).toEqual({ '200': 2, '200-error': 1, '200-finish-error': 1, '403': 1, '402': 1, '401': 1, '400': 1, '404': 1 });
    expect(stats.calls.map((c) => c.kind)).toEqual([
      'error_in_200', 'finish_reason_error', 'moderation', 'billing', 'auth', 'context_too_long', 'gone', 'empty', 'ok',
    ]);
  });

  it("'*' fails the next call to any model", async () => {
    sim = await startSimulator();
    sim.failNext('*', 'server_error', 2);
    expect((await chat(sim.baseURL, { model: SMALL })).status).toBe(502);
    expect((await chat(sim.baseURL, { model: LARGE })).status).toBe(502);
    expect((await chat(sim.baseURL, { model: LARGE })).status).toBe(200);
  });

  it("'timeout' hangs until the client gives up", async () => {
    sim = await startSimulator();
    sim.failNext(SMALL, 'timeout');
    await expect(chatGivingUpAfter(sim.baseURL, SMALL, 200)).rejects.toThrow();
    expect(sim.stats().calls[0]).toMatchObject({ status: 'timeout', kind: 'timeout' });
    expect((await chat(sim.baseURL, { model: SMALL })).status).toBe(200);
  });

  it('close() ends a hung call promptly', async () => {
    sim = await startSimulator();
    sim.failNext(SMALL, 'timeout');
    const pending = chat(sim.baseURL, { model: SMALL }).catch((e: unknown) => e);
    await new Promise((r) => setTimeout(r, 50));
    await sim.close();
    sim = undefined;
    expect(await pending).toBeInstanceOf(Error);
  });
});

describe('models fallback (server-side, like OpenRouter)', () => {
  it('tries each model in order; each tried one is a call', async () => {
    sim = await startSimulator({ scenario: { account: { daily: 10 } } });
    sim.failNext(SMALL, 'upstream_429');
    sim.failNext(LARGE, 'server_error');
    const r = await chat(sim.baseURL, { model: SMALL, models: [LARGE, VISION] });
    expect(r.status).toBe(200);
    expect(r.json.model).toBe(VISION);
    const stats = sim.stats();
    expect(stats.total).toBe(3);
    expect(stats.calls.map((c) => [c.model, c.status])).toEqual([
      [SMALL, '429'],
      [LARGE, '502'],
      [VISION, '200'],
    ]);
    const key = (await (await fetch(`${sim.baseURL}/key`, { headers: authHeaders() })).json()) as any;
    expect(key.data.free_model_daily_requests.used).toBe(3);
  });

  it('returns the last error when every model fails, and stops at an account limit', async () => {
    sim = await startSimulator({ scenario: { account: { perMinute: 2, windowMs: 60_000 } } });
    sim.failNext(SMALL, 'upstream_429');
    sim.failNext(LARGE, 'gone');
    const r = await chat(sim.baseURL, { models: [SMALL, LARGE] });
    expect(r.status).toBe(404);
    const limited = await chat(sim.baseURL, { models: [SMALL, LARGE] });
    expect(limited.status).toBe(429);
    expect(limited.json.error.message).toMatch(/free-models-per-min/);
    expect(sim.stats().total).toBe(3);
  });
});

describe('seeded randomness', () => {
  it('the same seed gives the same sequence of outcomes', async () => {
    const run = async () => {
      const s = await startSimulator({ scenario: { seed: 42, defaultBehavior: { serverErrorRate: 0.5 } } });
      const statuses: number[] = [];
      for (let i = 0; i < 12; i++) statuses.push((await chat(s.baseURL, { model: SMALL })).status);
      await s.close();
      return statuses;
    };
    const a = await run();
    expect(await run()).toEqual(a);
    expect(new Set(a).size).toBeGreaterThan(1);
  });
});
