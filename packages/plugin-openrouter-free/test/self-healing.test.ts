import { ModelType, type AgentRuntime } from '@elizaos/core';
import { derivePoolFromCatalog, loadDefaultPools } from '@freepool/free-model-pool';
import { startSimulator, type Simulator } from '@freepool/openrouter-simulator';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { getPoolEntry } from '../src/pool-registry.js';
import { dropConnection, startProxy, type TestProxy } from './helpers/proxy.js';
import { captureWarnings, FAKE_KEY, FAST_SETTINGS, startRuntime, stopRuntime } from './helpers/runtime.js';

const LLAMA_3B = 'meta-llama/llama-3.2-3b-instruct:free';
const GEMMA_3N = 'google/gemma-3n-e4b-it:free';
/** Not in the simulator's catalog at all. */
const RETIRED = 'vendor/retired-model:free';
/** In the catalog with a ":free" id, but priced (a paid id without ":free" is refused at start instead). */
const PAID = 'arcee-ai/trinity-mini:free';


const catalogFetches = (proxy: TestProxy) => proxy.seen.filter((r) => r === 'GET /api/v1/models').length;

describe('self-healing pools', () => {
  let sim: Simulator;
  let proxy: TestProxy | undefined;
  let runtime: AgentRuntime | undefined;

  beforeAll(async () => {
    sim = await startSimulator({ apiKey: FAKE_KEY, scenario: { account: { perMinute: 1000 } } });
  });
  afterEach(async () => {
    await stopRuntime(runtime);
    runtime = undefined;
    await proxy?.close();
    proxy = undefined;
    sim.resetStats();
  });
  afterAll(async () => {
    await sim?.close();
  });

  it('re-derives unpinned tiers from the live catalog and drops pinned ids that are gone or no longer free', async () => {
    const warnings: string[] = [];
    runtime = await startRuntime(
      {
        OPENROUTER_API_KEY: FAKE_KEY,
        OPENROUTER_BASE_URL: sim.baseURL,
        ...FAST_SETTINGS,
        OPENROUTER_SMALL_POOL: [LLAMA_3B, RETIRED, PAID].join(','),
      },
      { beforeInit: captureWarnings(warnings) },
    );
    const pool = getPoolEntry(runtime)!.pool!.getPool();
    expect(pool.tiers.small).toEqual([LLAMA_3B]);
    expect(warnings.join('\n')).toMatch(new RegExp(`dropped from the pinned small pool.*${RETIRED}`));
    const live = derivePoolFromCatalog(sim.catalog(), { now: Date.now() });
    expect(pool.tiers.large).toEqual(live.tiers.large);
    expect(pool.tiers.vision).toEqual(live.tiers.vision);
    // Every id the pool uses is a free model the simulator actually serves.
    const served = new Set(sim.catalog().data.map((m) => m.id));
    for (const id of [...pool.tiers.large, ...pool.tiers.vision]) expect(served.has(id) && id.endsWith(':free')).toBe(true);

    await runtime.useModel(ModelType.TEXT_SMALL, { prompt: 'hi' });
    await runtime.useModel(ModelType.TEXT_LARGE, { prompt: 'hi' });
    const calls = sim.stats().calls;
    expect(calls.map((c) => c.status)).toEqual(['200', '200']);
    expect(calls[0]?.model).toBe(LLAMA_3B);
    expect(pool.tiers.large).toContain(calls[1]?.model);
  });

  it('keeps the committed default pool, with a warning, when the catalog cannot be reached', async () => {
    // Only the catalog is unreachable: the proxy drops GET /models and forwards chat to the simulator.
    proxy = await startProxy(sim.url, { '/api/v1/models': dropConnection });
    const warnings: string[] = [];
    runtime = await startRuntime(
      { OPENROUTER_API_KEY: FAKE_KEY, OPENROUTER_BASE_URL: proxy.baseURL, ...FAST_SETTINGS, OPENROUTER_SMALL_POOL: LLAMA_3B },
      { beforeInit: captureWarnings(warnings) },
    );
    expect(warnings.join('\n')).toMatch(/could not use the OpenRouter model catalog \(start-up\); keeping the current pool/);
    const pool = getPoolEntry(runtime)!.pool!.getPool();
    const defaults = loadDefaultPools();
    expect(pool.tiers.large).toEqual(defaults.tiers.large);
    expect(pool.tiers.vision).toEqual(defaults.tiers.vision);
    expect(pool.tiers.small).toEqual([LLAMA_3B]);
    expect(catalogFetches(proxy)).toBe(1);
    // Chat still works through the same base URL.
    await expect(runtime.useModel(ModelType.TEXT_SMALL, { prompt: 'hi' })).resolves.toEqual(expect.any(String));
  });

  it('does not fetch the catalog when OPENROUTER_CATALOG_REFRESH=false', async () => {
    proxy = await startProxy(sim.url);
    runtime = await startRuntime({
      OPENROUTER_API_KEY: FAKE_KEY,
      OPENROUTER_BASE_URL: proxy.baseURL,
      ...FAST_SETTINGS,
      OPENROUTER_CATALOG_REFRESH: 'false',
    });
    expect(catalogFetches(proxy)).toBe(0);
    expect(getPoolEntry(runtime)!.pool!.getPool().tiers).toEqual(loadDefaultPools().tiers);
  });

  // A 404 (the model is gone) and a refusal by the account's privacy settings both take the model
  // out of the pool; neither may come back in the pool the catalog rebuilds.
  it.each([
    ['a 404 leaves', 'gone'],
    ["the account's privacy settings leave", 'privacy_restricted'],
  ] as const)('refreshes from the catalog in the background when %s a tier short', async (_what, kind) => {
    proxy = await startProxy(sim.url);
    runtime = await startRuntime({
      OPENROUTER_API_KEY: FAKE_KEY,
      OPENROUTER_BASE_URL: proxy.baseURL,
      ...FAST_SETTINGS,
      OPENROUTER_SMALL_POOL: [LLAMA_3B, GEMMA_3N].join(','),
    });
    expect(catalogFetches(proxy)).toBe(1);
    sim.failNext('*', kind, 1);
    await runtime.useModel(ModelType.TEXT_SMALL, { prompt: 'hi' });
    const [gone, served] = sim.stats().calls;
    expect([gone?.status, served?.status]).toEqual(['404', '200']);
    const entry = getPoolEntry(runtime)!;
    await entry.healing;
    // One usable model left (< 2): the catalog was fetched again, bypassing the 6 h cache, and the
    // model that left stays out of the rebuilt pool.
    expect(catalogFetches(proxy)).toBe(2);
    expect(entry.pool!.getPool().tiers.small).toEqual([served!.model]);
  });
});
