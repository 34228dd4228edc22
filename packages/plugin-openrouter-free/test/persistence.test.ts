import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ModelType, type AgentRuntime } from '@elizaos/core';
import { startSimulator, type Simulator } from '@freepool/openrouter-simulator';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { poolStateCacheKey } from '../src/state/runtime-cache-store.js';
import { captureWarnings, FAKE_KEY, FAST_SETTINGS, PINNED_POOLS, SMALL, startRuntime, stopRuntime } from './helpers/runtime.js';

/** Long enough that a model cooled in the first run is still cooling when the agent restarts. */
const LONG_COOLDOWN = { OPENROUTER_COOLDOWN_MS: '600000' };


describe('pool state survives an agent restart (kept in the agent database)', () => {
  let sim: Simulator;
  let dataDir: string;
  let runtime: AgentRuntime | undefined;

  beforeAll(async () => {
    sim = await startSimulator({ apiKey: FAKE_KEY, scenario: { account: { perMinute: 1000 } } });
  });
  beforeEach(() => {
    // A database on disk, so a second runtime really reopens what the first one wrote.
    dataDir = mkdtempSync(join(tmpdir(), 'freepool-persist-'));
    sim.resetStats();
  });
  afterEach(async () => {
    await stopRuntime(runtime);
    runtime = undefined;
    rmSync(dataDir, { recursive: true, force: true });
  });
  afterAll(async () => {
    await sim?.close();
  });

  const settings = (extra: Record<string, string> = {}) => ({
    OPENROUTER_API_KEY: FAKE_KEY,
    OPENROUTER_BASE_URL: sim.baseURL,
    ...FAST_SETTINGS,
    ...PINNED_POOLS,
    OPENROUTER_CATALOG_REFRESH: 'false',
    ...LONG_COOLDOWN,
    ...extra,
  });

  it('does not call a model that was cooling down when the agent stopped', async () => {
    runtime = await startRuntime(settings(), { dataDir });
    sim.failNext(SMALL[0]!, 'upstream_429');
    expect(await runtime.useModel(ModelType.TEXT_SMALL, { prompt: 'first run' })).toContain(SMALL[1]!);
    // Stopped at once, well within the delayed write: stopping the agent saves the state.
    await stopRuntime(runtime);
    runtime = undefined;

    sim.resetStats();
    runtime = await startRuntime(settings(), { dataDir });
    expect(await runtime.useModel(ModelType.TEXT_SMALL, { prompt: 'after the restart' })).toContain(SMALL[1]!);
    const chat = sim.stats().calls.map((c) => c.model);
    expect(chat).toEqual([SMALL[1]]); // the cooled model was skipped without a call
  });

  it('also when the agent starts the way the ElizaOS server starts it (plugins initialised together)', async () => {
    runtime = await startRuntime(settings(), { dataDir });
    sim.failNext(SMALL[0]!, 'upstream_429');
    expect(await runtime.useModel(ModelType.TEXT_SMALL, { prompt: 'first run' })).toContain(SMALL[1]!);
    await stopRuntime(runtime);
    runtime = undefined;

    const warnings: string[] = [];
    sim.resetStats();
    runtime = await startRuntime(settings(), { dataDir, serverOrder: true, beforeInit: captureWarnings(warnings) });
    expect(await runtime.useModel(ModelType.TEXT_SMALL, { prompt: 'after the restart' })).toContain(SMALL[1]!);
    expect(sim.stats().calls.map((c) => c.model)).toEqual([SMALL[1]]);
    expect(warnings.filter((w) => /saved pool state/.test(w))).toEqual([]);
  });

  it('remembers a slow model: after the restart the reply goes to the fast one, with no call to the slow one', async () => {
    // The first model is a slow thinker (400 ms before its first answer token); the others answer at once.
    sim.setScenario({ account: { perMinute: 1000 }, models: { [SMALL[0]!]: { reasoning: { style: 'field', tokens: 10, thinkMs: 400 } } } });
    const slow = { OPENROUTER_SLOW_MARGIN_MS: '100' };
    try {
      runtime = await startRuntime(settings(slow), { dataDir });
      expect(await runtime.useModel(ModelType.TEXT_SMALL, { prompt: 'first run' })).toContain(SMALL[0]!);
      await stopRuntime(runtime);
      runtime = undefined;

      sim.resetStats();
      runtime = await startRuntime(settings(slow), { dataDir });
      expect(await runtime.useModel(ModelType.TEXT_SMALL, { prompt: 'after the restart' })).toContain(SMALL[1]!);
      expect(sim.stats().calls.map((c) => c.model)).toEqual([SMALL[1]]);
    } finally {
      sim.setScenario({ account: { perMinute: 1000 } });
    }
  });

  it('forgets everything when OPENROUTER_PERSIST_STATE is false', async () => {
    runtime = await startRuntime(settings({ OPENROUTER_PERSIST_STATE: 'false' }), { dataDir });
    sim.failNext(SMALL[0]!, 'upstream_429');
    await runtime.useModel(ModelType.TEXT_SMALL, { prompt: 'first run' });
    await stopRuntime(runtime);
    runtime = undefined;

    sim.resetStats();
    runtime = await startRuntime(settings({ OPENROUTER_PERSIST_STATE: 'false' }), { dataDir });
    expect(await runtime.useModel(ModelType.TEXT_SMALL, { prompt: 'after the restart' })).toContain(SMALL[0]!);
  });

  it('starts fresh, with a warning, when the saved state is corrupt', async () => {
    runtime = await startRuntime(settings(), { dataDir });
    sim.failNext(SMALL[0]!, 'upstream_429');
    await runtime.useModel(ModelType.TEXT_SMALL, { prompt: 'first run' });
    await stopRuntime(runtime);
    // Overwrite what the plugin saved with something of the wrong shape, from an agent that keeps no state itself.
    runtime = await startRuntime(settings({ OPENROUTER_PERSIST_STATE: 'false' }), { dataDir });
    await runtime.setCache(poolStateCacheKey(sim.baseURL), { version: 99, junk: true });
    await stopRuntime(runtime);
    runtime = undefined;

    const warnings: string[] = [];
    sim.resetStats();
    runtime = await startRuntime(settings(), { dataDir, beforeInit: captureWarnings(warnings) });
    expect(warnings.some((w) => /saved pool state .* not in the expected shape/.test(w))).toBe(true);
    // The cache entry is dropped, and the agent still starts and answers. The cooldown is not lost:
    // the shared state (the pool's own tables in the same database) still holds it.
    expect(await runtime.useModel(ModelType.TEXT_SMALL, { prompt: 'after the restart' })).toContain(SMALL[1]!);
    expect(sim.stats().calls.map((c) => c.model)).toEqual([SMALL[1]]);
  });
});
