import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_CATALOG_PATH, startSimulator, type Simulator } from '@freepool/openrouter-simulator';
import { KEY, LARGE, PAID, SMALL, VISION, authHeaders, chat } from './helpers.js';

let sim: Simulator | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

describe('GET /api/v1/models', () => {
  it('serves the catalog without auth', async () => {
    sim = await startSimulator();
    expect(sim.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(sim.baseURL).toBe(`${sim.url}/api/v1`);
    const res = await fetch(`${sim.baseURL}/models`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { data: Array<{ id: string }> };
    expect(body.data.map((m) => m.id)).toContain(SMALL);
    expect(body.data).toEqual(sim.catalog().data);
    expect(DEFAULT_CATALOG_PATH).toMatch(/fixtures[\\/]catalog\.json$/);
  });

  it('serves a catalog passed in as an object', async () => {
    sim = await startSimulator({ catalog: { data: [{ id: 'acme/tiny-1b:free', pricing: { prompt: '0', completion: '0' } }] } });
    const body = (await (await fetch(`${sim.baseURL}/models`)).json()) as { data: Array<{ id: string }> };
    expect(body.data.map((m) => m.id)).toEqual(['acme/tiny-1b:free']);
  });

  it('refuses a catalog without data with a clear error', async () => {
    await expect(startSimulator({ catalog: { nope: 1 } as never })).rejects.toThrow(/expected \{"data": \[\.\.\.\]\}/);
  });
});

describe('GET /api/v1/key', () => {
  it('401s without a bearer token', async () => {
    sim = await startSimulator();
    const res = await fetch(`${sim.baseURL}/key`);
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ error: { code: 401, message: 'Missing Authentication header' }, user_id: expect.any(String) });
  });

  it('reports the daily counter, 1000 when the scenario sets no daily limit', async () => {
    sim = await startSimulator();
    await chat(sim.baseURL, { model: SMALL });
    await chat(sim.baseURL, { model: PAID });
    const body = (await (await fetch(`${sim.baseURL}/key`, { headers: authHeaders() })).json()) as any;
    expect(body.data.free_model_daily_requests).toEqual({ limit: 1000, remaining: 999, used: 1 });
    expect(body.data.rate_limit.note).toMatch(/deprecated/);
    expect(body.data.is_management_key).toBe(false);
  });

  it('reports the scenario daily limit and start counter', async () => {
    sim = await startSimulator({ scenario: { account: { daily: 50, dailyUsed: 12 } } });
    const body = (await (await fetch(`${sim.baseURL}/key`, { headers: authHeaders() })).json()) as any;
    expect(body.data.free_model_daily_requests).toEqual({ limit: 50, remaining: 38, used: 12 });
    expect(body.data.is_free_tier).toBe(true);
  });
});

describe('POST /api/v1/chat/completions', () => {
  it('answers in the OpenRouter non-stream shape with the concrete model id', async () => {
    sim = await startSimulator();
    const r = await chat(sim.baseURL, { model: SMALL, messages: [{ role: 'user', content: [{ type: 'text', text: 'What is two plus two?' }] }] });
    expect(r.status).toBe(200);
    expect(r.headers.get('x-ratelimit-limit')).toBeNull();
    expect(r.json).toMatchObject({
      id: expect.stringMatching(/^gen-\d+-[A-Za-z0-9]{20}$/),
      provider: expect.any(String),
      model: SMALL,
      object: 'chat.completion',
      created: expect.any(Number),
      choices: [{ index: 0, finish_reason: 'stop', message: { role: 'assistant', content: `Simulated reply from ${SMALL}: What is two plus two?` } }],
      usage: { prompt_tokens: expect.any(Number), completion_tokens: expect.any(Number), total_tokens: expect.any(Number), cost: 0 },
    });
    expect(r.headers.get('x-generation-id')).toBe(r.json.id);
  });

  it('honours stop and max_tokens roughly', async () => {
    sim = await startSimulator();
    const stopped = await chat(sim.baseURL, { model: SMALL, stop: ['from'] });
    expect(stopped.json.choices[0].message.content).toBe('Simulated reply ');
    const cut = await chat(sim.baseURL, { model: SMALL, max_tokens: 2 });
    expect(cut.json.choices[0].finish_reason).toBe('length');
    expect(cut.json.choices[0].message.content.length).toBeLessThanOrEqual(8);
  });

  it('401s without a token, and with a wrong key when apiKey is set', async () => {
    sim = await startSimulator({ apiKey: KEY });
    const none = await chat(sim.baseURL, { model: SMALL }, null);
    expect(none.status).toBe(401);
    expect(none.json.error).toEqual({ code: 401, message: 'No auth credentials found' });
    const wrong = await chat(sim.baseURL, { model: SMALL }, 'sk-or-v1-FAKE-other-key-1111');
    expect(wrong.status).toBe(401);
    expect(wrong.json.error.message).toBe('User not found.');
    expect((await chat(sim.baseURL, { model: SMALL })).status).toBe(200);
  });

  it('400s an unknown model id and 404s a gone one without spending quota', async () => {
    sim = await startSimulator({ scenario: { account: { daily: 5 }, models: { [LARGE]: { gone: true } } } });
    const unknown = await chat(sim.baseURL, { model: 'acme/fake-1.0' });
    expect(unknown.status).toBe(400);
    expect(unknown.json.error.message).toBe('acme/fake-1.0 is not a valid model ID');
    const gone = await chat(sim.baseURL, { model: LARGE });
    expect(gone.status).toBe(404);
    expect(gone.json.error.message).toBe(`No endpoints found for ${LARGE}.`);
    const expired = await chat(sim.baseURL, { model: 'upstage/solar-pro-3:free' });
    expect(expired.status).toBe(404);
    const key = (await (await fetch(`${sim.baseURL}/key`, { headers: authHeaders() })).json()) as any;
    expect(key.data.free_model_daily_requests.used).toBe(0);
  });

  it("400s a 'models' array of more than 3 items", async () => {
    sim = await startSimulator();
    const r = await chat(sim.baseURL, { model: SMALL, models: [SMALL, LARGE, VISION, PAID] });
    expect(r.status).toBe(400);
    expect(r.json.error.message).toBe("'models' array must have 3 items or fewer.");
    expect((await chat(sim.baseURL, { models: [SMALL, LARGE, VISION] })).status).toBe(200);
  });

  it('names the bad field of a malformed body', async () => {
    sim = await startSimulator();
    const r = await chat(sim.baseURL, { model: SMALL, messages: 'hi' });
    expect(r.status).toBe(400);
    expect(r.json.error.message).toMatch(/messages/);
  });

  it('404s an image sent to a text-only model', async () => {
    sim = await startSimulator();
    const r = await chat(sim.baseURL, {
      model: SMALL,
      messages: [{ role: 'user', content: [{ type: 'text', text: 'what is this' }, { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=' } }] }],
    });
    expect(r.status).toBe(404);
    expect(r.json.error.message).toBe('No endpoints found that support image input');
  });

  it('routes openrouter/free to a concrete free model and names it', async () => {
    sim = await startSimulator();
    const r = await chat(sim.baseURL, { model: 'openrouter/free' });
    expect(r.status).toBe(200);
    expect(r.json.model).toMatch(/:free$/);
    expect(sim.stats().calls[0]).toMatchObject({ model: 'openrouter/free', servedBy: r.json.model });
  });

  it('never serves the key, even when the prompt contains it', async () => {
    sim = await startSimulator({ apiKey: KEY });
    const bodies: string[] = [];
    bodies.push((await chat(sim.baseURL, { model: SMALL, messages: [{ role: 'user', content: `my key is ${KEY}` }] })).text);
    bodies.push((await chat(sim.baseURL, { model: SMALL, stream: true, messages: [{ role: 'user', content: `my key is ${KEY}` }] })).text);
    sim.failNext(SMALL, 'moderation');
    bodies.push((await chat(sim.baseURL, { model: SMALL, messages: [{ role: 'user', content: `${KEY} violence` }] })).text);
    bodies.push((await chat(sim.baseURL, { model: SMALL }, 'sk-or-v1-FAKE-other-key-1111')).text);
    bodies.push(await (await fetch(`${sim.baseURL}/key`, { headers: authHeaders() })).text());
    for (const b of bodies) {
      expect(b).not.toContain(KEY);
      expect(b).not.toContain('sk-or-v1-FAKE-other-key-1111');
    }
    expect(bodies[0]).toContain('[REDACTED]');
  });
});

describe('scenario validation', () => {
  it('names the bad field', async () => {
    await expect(startSimulator({ scenario: { account: { perMinute: 'lots' as never } } })).rejects.toThrow(/account\.perMinute/);
    await expect(startSimulator({ scenario: { defaultBehavior: { serverErrorRate: 2 } } })).rejects.toThrow(/defaultBehavior\.serverErrorRate/);
    await expect(startSimulator({ scenario: { models: { 'acme/nope:free': { gone: true } } } })).rejects.toThrow(/models\.acme\/nope:free/);
    await expect(startSimulator({ scenario: { acount: {} } as never })).rejects.toThrow(/acount/);
  });

  it('rejects a bad failNext kind', async () => {
    sim = await startSimulator();
    expect(() => sim!.failNext(SMALL, 'explode' as never)).toThrow(/kind must be one of/);
    expect(() => sim!.failNext(SMALL, 'gone', 0)).toThrow(/count/);
  });
});
