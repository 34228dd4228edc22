import { ModelType, type AgentRuntime } from '@elizaos/core';
import { startSimulator, type Simulator } from '@freepool/openrouter-simulator';
import { afterEach, describe, expect, it } from 'vitest';
import { FAKE_KEY, FAST_SETTINGS, PINNED_POOLS, startRuntime, stopRuntime } from './helpers/runtime.js';

/** One compressed minute. */
const WINDOW_MS = 1_000;

/**
 * An account held at 10 free calls a minute while the plugin is set for 20, as an agent meets it:
 * through a real AgentRuntime, whose pool takes its account slots from the shared state in the
 * agent's own database (PGlite) by default.
 */
describe('an account limit lower than configured, through the agent', () => {
  let sim: Simulator | undefined;
  let runtime: AgentRuntime | undefined;
  afterEach(async () => {
    await stopRuntime(runtime);
    runtime = undefined;
    await sim?.close();
    sim = undefined;
  });

  /** 40 requests 8 at a time through the agent, each allowed to wait one window; what the simulator saw. */
  async function fortyRequests(window: 'fixed' | 'sliding') {
    sim = await startSimulator({ apiKey: FAKE_KEY, scenario: { seed: 3, latencyMs: [5, 15], account: { perMinute: 10, windowMs: WINDOW_MS, window } } });
    runtime = await startRuntime({
      OPENROUTER_API_KEY: FAKE_KEY,
      OPENROUTER_BASE_URL: sim.baseURL,
      ...FAST_SETTINGS,
      ...PINNED_POOLS,
      OPENROUTER_FREE_RPM: '20',
      OPENROUTER_RATE_WINDOW_MS: String(WINDOW_MS),
      OPENROUTER_MAX_WAIT_MS: String(WINDOW_MS),
    });
    const agent = runtime;
    // The simulator's fixed windows are aligned to multiples of their length, as OpenRouter's are to
    // the minute; start 20 ms into one so the first requests do not begin on its boundary.
    await new Promise((r) => setTimeout(r, WINDOW_MS - (Date.now() % WINDOW_MS) + 20));
    let next = 0;
    const failures: unknown[] = [];
    let answered = 0;
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        while (next < 40) {
          const i = next++;
          await agent.useModel(ModelType.TEXT_SMALL, { prompt: `request ${i}` }).then(
            () => answered++,
            (e: unknown) => failures.push(e),
          );
        }
      }),
    );
    const stats = sim.stats();
    return { failures: failures.map(String), answered, total: stats.total, refused: stats.calls.filter((c) => c.kind === 'per_minute_429').length };
  }

  it('40 requests 8 at a time, each allowed to wait one window: all answered, at most one call refused', async () => {
    const r = await fortyRequests('fixed');
    expect(r.failures).toEqual([]);
    expect(r.answered).toBe(40);
    expect(r.refused).toBeLessThanOrEqual(1);
    expect(r.total).toBeLessThanOrEqual(41);
  });

  it('the same on a sliding window (its reset is the oldest counted call plus the window): all answered, at most 44 calls', async () => {
    const r = await fortyRequests('sliding');
    // Counted by fixed boundaries, each learned "boundary" would open a window the server still
    // counts as full: a 429 per boundary, and requests pushed past their one window of wait.
    expect(r.failures).toEqual([]);
    expect(r.answered).toBe(40);
    expect(r.total).toBeLessThanOrEqual(44);
  });
});
