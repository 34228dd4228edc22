import { ModelType, type AgentRuntime, type RouteResponse } from '@elizaos/core';
import { startSimulator, type Simulator } from '@freepool/openrouter-simulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PoolConfigError } from '@freepool/free-model-pool';
import { parseSettings } from '../../src/config.js';
import { getPoolEntry } from '../../src/pool-registry.js';
import { handleStatus } from '../../src/routes/status.js';
import { FAKE_KEY, FAST_SETTINGS, PINNED_POOLS, SMALL, startRuntime, stopSharing } from '../helpers/runtime.js';

/**
 * Two agents of one process on one PGlite database (plugin-sql keeps one per process): besides the
 * account's window and day, they share what each learned about the models, through the pool's
 * tables in that database. No OPENROUTER_STATE_URL needed.
 */
describe('two agents on the same key and PGlite database', () => {
  let sim: Simulator;
  let first: AgentRuntime;
  let second: AgentRuntime;

  beforeAll(async () => {
    sim = await startSimulator({ apiKey: FAKE_KEY, scenario: { account: { perMinute: 1000 } } });
    // A cooldown far longer than the test: the second agent could only call the model by not knowing.
    const settings = { OPENROUTER_API_KEY: FAKE_KEY, OPENROUTER_BASE_URL: sim.baseURL, ...FAST_SETTINGS, OPENROUTER_COOLDOWN_MS: '600000', ...PINNED_POOLS };
    first = await startRuntime(settings);
    second = await startRuntime(settings);
  });
  afterAll(async () => {
    await stopSharing(first, second);
    await sim?.close();
  });

  it('do not call a model the other agent has just cooled', async () => {
    sim.failNext(SMALL[0]!, 'upstream_429');
    expect(await first.useModel(ModelType.TEXT_SMALL, { prompt: 'one' })).toContain(SMALL[1]!);
    await getPoolEntry(first)?.pool?.account.flush();
    expect(await second.useModel(ModelType.TEXT_SMALL, { prompt: 'two' })).toContain(SMALL[1]!);
    expect(sim.stats().calls.map((c) => `${c.model} ${c.status}`)).toEqual([`${SMALL[0]} 429`, `${SMALL[1]} 200`, `${SMALL[1]} 200`]);
    // The second agent knows the cooldown the first one set, as its own status shows.
    const cooled = getPoolEntry(second)?.pool?.health('small').find((h) => h.model === SMALL[0]);
    expect(cooled?.health?.cooldownUntil ?? 0).toBeGreaterThan(Date.now());
  });

  it('says in the status route where the state is shared', async () => {
    let body: unknown;
    const res = { status: () => res, json: (data: unknown) => ((body = JSON.parse(JSON.stringify(data))), res) } as unknown as RouteResponse;
    await handleStatus({} as never, res, second);
    expect((body as { sharedState: unknown }).sharedState).toEqual({ where: "the agent's PGlite database", kind: 'pglite', reachable: true });
  });
});

describe('OPENROUTER_STATE_URL', () => {
  it('accepts a Postgres URL and refuses anything else without repeating it (it may hold a password)', () => {
    const ok = parseSettings({ OPENROUTER_API_KEY: FAKE_KEY, OPENROUTER_STATE_URL: 'postgres://pool:s3cret@db:5432/pool' });
    expect(ok.sharedState).toEqual({ url: 'postgres://pool:s3cret@db:5432/pool', timeoutMs: 1000, retryMs: 5000 });
    const error = (() => {
      try {
        parseSettings({ OPENROUTER_API_KEY: FAKE_KEY, OPENROUTER_STATE_URL: 'mysql://pool:s3cret@db/pool' });
      } catch (e) {
        return e;
      }
    })();
    expect(PoolConfigError.isInstance(error) || error instanceof PoolConfigError).toBe(true);
    expect((error as PoolConfigError).setting).toBe('OPENROUTER_STATE_URL');
    expect(String((error as Error).message)).not.toContain('s3cret');
    expect(parseSettings({ OPENROUTER_API_KEY: FAKE_KEY, OPENROUTER_STATE_TIMEOUT_MS: '250', OPENROUTER_STATE_RETRY_MS: '2000' }).sharedState).toEqual({
      timeoutMs: 250,
      retryMs: 2000,
    });
  });
});
