/**
 * The status route and the "Free models" panel routes through a real AgentRuntime against the
 * simulator: what the panel and `pool:status --agent` read. The browser test (scripts/test/
 * panel-browser.test.ts) shows the same through the ElizaOS server and web client.
 */
import { ModelType, type AgentRuntime, type Route, type RouteResponse } from '@elizaos/core';
import { startSimulator, type Simulator } from '@freepool/openrouter-simulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FAKE_KEY, FAST_SETTINGS, LARGE, PINNED_POOLS, SMALL, startRuntime, stopRuntime } from './helpers/runtime.js';

/** What a route handler sent, collected the way express would send it. */
async function get(runtime: AgentRuntime, path: string): Promise<{ status: number; headers: Record<string, string>; body: unknown }> {
  const route = runtime.routes.find((r) => r.type === 'GET' && r.path === path) as Route | undefined;
  if (!route?.handler) throw new Error(`no GET route ${path}; routes: ${runtime.routes.map((r) => r.path).join(', ')}`);
  const out = { status: 0, headers: {} as Record<string, string>, body: undefined as unknown };
  const res: RouteResponse = {
    status: (code) => ((out.status = code), res),
    json: (data) => ((out.body = JSON.parse(JSON.stringify(data))), res),
    send: (data) => ((out.body = data), res),
    end: () => res,
    setHeader: (name, value) => ((out.headers[name.toLowerCase()] = String(value)), res),
  };
  await route.handler({ method: 'GET', path, query: {}, params: {}, headers: {} }, res, runtime);
  return out;
}

describe('status route and panel', () => {
  let sim: Simulator;
  let runtime: AgentRuntime;

  beforeAll(async () => {
    sim = await startSimulator({ apiKey: FAKE_KEY, scenario: { account: { perMinute: 1000, daily: 50, dailyUsed: 10 } } });
    runtime = await startRuntime({ OPENROUTER_API_KEY: FAKE_KEY, OPENROUTER_BASE_URL: sim.baseURL, ...FAST_SETTINGS, OPENROUTER_COOLDOWN_MS: '60000', ...PINNED_POOLS });
  });
  afterAll(async () => {
    await stopRuntime(runtime);
    await sim?.close();
  });

  it('reports the recent requests with their attempt trails, calls per model, and the cooled model in words', async () => {
    await runtime.useModel(ModelType.TEXT_SMALL, { prompt: 'first' });
    sim.failNext(SMALL[0], 'upstream_429');
    await runtime.useModel(ModelType.TEXT_SMALL, { prompt: 'second' });

    const { status, body } = await get(runtime, '/openrouter-free/status');
    expect(status).toBe(200);
    const s = body as any;
    expect(s).toMatchObject({ configured: true, simulator: true, baseURL: sim.baseURL });
    expect(s.tiers.small[0]).toMatchObject({ model: SMALL[0], state: 'cooling', lastReason: 'model_rate_limit', lastReasonText: 'was rate limited upstream' });
    expect(s.tiers.small[1]).toMatchObject({ model: SMALL[1], state: 'ready' });

    // Newest first: the second request rotated past the 429 to the next model.
    expect(s.requests).toHaveLength(2);
    expect(s.requests[0]).toMatchObject({ tier: 'small', ok: true, model: SMALL[1] });
    expect(s.requests[0].attempts).toEqual([
      expect.objectContaining({ model: SMALL[0], outcome: 'failed', status: 429, reason: 'model_rate_limit', reasonText: 'was rate limited upstream' }),
      expect.objectContaining({ model: SMALL[1], outcome: 'success' }),
    ]);
    expect(s.requests[1]).toMatchObject({ ok: true, model: SMALL[0], attempts: [expect.objectContaining({ model: SMALL[0], outcome: 'success' })] });

    // Calls, not requests: SMALL[0] answered once and was rate limited once.
    expect(s.callsLastHour.windowMs).toBe(3_600_000);
    expect(s.callsLastHour.models).toEqual(
      expect.arrayContaining([
        { model: SMALL[0], ok: 1, rateLimited: 1, failed: 0 },
        { model: SMALL[1], ok: 1, rateLimited: 0, failed: 0 },
      ]),
    );
    // The simulator's daily counter, seeded from /key at start-up and counted down since.
    expect(s.daily).toMatchObject({ limit: 50, remaining: 37 });
    expect(JSON.stringify(s)).not.toContain(FAKE_KEY);
  });

  it('logs a request no model could answer as failed, with its reason', async () => {
    for (const m of LARGE) sim.failNext(m, 'server_error');
    await expect(runtime.useModel(ModelType.TEXT_LARGE, { prompt: 'doomed' })).rejects.toThrow();
    const s = (await get(runtime, '/openrouter-free/status')).body as any;
    expect(s.requests[0]).toMatchObject({ ok: false, tier: 'large', reason: 'server_error', reasonText: 'had a server error' });
    expect(s.requests[0].model).toBeUndefined();
    expect(s.requests[0].error).toMatch(/^No free model in the large pool could answer/);
    expect(s.requests[0].attempts.map((a: any) => [a.model, a.outcome, a.status])).toEqual(LARGE.map((m) => [m, 'failed', 502]));
    expect(JSON.stringify(s)).not.toContain(FAKE_KEY);
  });

  it('lists the panel as a public named GET route, and serves its page, script and style', async () => {
    const panel = runtime.routes.find((r) => r.name === 'Free models');
    expect(panel).toMatchObject({ type: 'GET', path: '/openrouter-free/panel', public: true });

    const page = await get(runtime, '/openrouter-free/panel');
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    const html = String(page.body);
    // Relative URLs, served by the plugin: nothing from a CDN.
    expect(html).toContain('src="panel.js"');
    expect(html).toContain('href="panel.css"');
    expect(html).not.toMatch(/(src|href)="https?:/);

    const js = await get(runtime, '/openrouter-free/panel.js');
    expect(js.headers['content-type']).toMatch(/^application\/javascript/);
    expect(String(js.body)).toContain("'status'");
    const css = await get(runtime, '/openrouter-free/panel.css');
    expect(css.headers['content-type']).toMatch(/^text\/css/);
  });
});

describe('status route without a key', () => {
  let runtime: AgentRuntime;
  beforeAll(async () => {
    runtime = await startRuntime({ ...FAST_SETTINGS });
  });
  afterAll(async () => {
    await stopRuntime(runtime);
  });

  it('says the key is not set', async () => {
    const { body } = await get(runtime, '/openrouter-free/status');
    expect(body).toEqual({ configured: false, reason: 'OPENROUTER_API_KEY is not set' });
  });
});
