import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ModelType, type AgentRuntime } from '@elizaos/core';
import { DailyLimitError, RequestStoppedError } from '@freepool/free-model-pool';
import { startSimulator, type ErrorDialect, type FailureKind, type Simulator } from '@freepool/openrouter-simulator';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { getPoolEntry } from '../src/pool-registry.js';
import { FAKE_KEY, FAST_SETTINGS, PINNED_POOLS, SMALL, startRuntime, stopRuntime, VISION } from './helpers/runtime.js';

/**
 * OpenRouter's structured error fields, through the plugin in a real AgentRuntime: the first of
 * three models fails once with each shape, worded as OpenRouter never has (the simulator's
 * `structured` and `terse` dialects), and the pool must act on the fields alone. The first model
 * states a 6 s wait; the cooldown ladder is 1 ms and a recovery probe may go out every 1 ms, so a
 * wait the pool did not read would let the next request call that model again.
 */

const [A, B] = SMALL as [string, string, string];
const DIALECTS: ErrorDialect[] = ['structured', 'terse'];
const WAIT_MS = 6_000;

let sim: Simulator | undefined;
let runtime: AgentRuntime | undefined;

afterEach(async () => {
  await stopRuntime(runtime);
  runtime = undefined;
  await sim?.close();
  sim = undefined;
});

/** A fresh simulator (so no account state carries over between cases) and a runtime on it. */
async function start(dialect: ErrorDialect, extra: Record<string, string> = {}): Promise<void> {
  await stopRuntime(runtime);
  await sim?.close();
  sim = await startSimulator({
    apiKey: FAKE_KEY,
    scenario: { errorDialect: dialect, account: { perMinute: 1000, windowMs: 1_000 }, models: { [A]: { retryAfterSeconds: WAIT_MS / 1000 } } },
  });
  runtime = await startRuntime({
    OPENROUTER_API_KEY: FAKE_KEY,
    OPENROUTER_BASE_URL: sim.baseURL,
    ...FAST_SETTINGS,
    ...PINNED_POOLS,
    OPENROUTER_RATE_WINDOW_MS: '1000',
    OPENROUTER_COOLDOWN_MS: '1',
    OPENROUTER_RECOVERY_PROBE_MS: '1',
    OPENROUTER_CATALOG_REFRESH: 'false',
    ...extra,
  });
}

const ask = () => runtime!.useModel(ModelType.TEXT_SMALL, { prompt: 'hello there' });
const models = () => sim!.stats().calls.map((c) => c.model);
const small = () => getPoolEntry(runtime!)!.pool!.status().tiers.small;

/** The first model fails once with `kind`; the request is answered by the next one; A is not called by three more. */
async function answeredByTheNext(dialect: ErrorDialect, kind: FailureKind): Promise<void> {
  await start(dialect);
  sim!.failNext(A, kind);
  await expect(ask(), `${kind} (${dialect})`).resolves.toEqual(expect.any(String));
  expect(models(), `${kind} (${dialect})`).toEqual([A, B]);
  const sentAt = sim!.stats().calls[0]!.at;
  for (let i = 0; i < 3; i++) await ask();
  expect(models(), `${kind} (${dialect}): A is never called again`).toEqual([A, B, B, B, B]);
  const a = small().find((m) => m.model === A)!;
  if (kind === 'free_variant_ended') {
    expect(a.state, `${kind} (${dialect})`).toBe('removed');
  } else {
    expect(a.state, `${kind} (${dialect})`).toBe('cooling');
    expect(a.cooldownUntil!, `${kind} (${dialect}): the stated wait is kept`).toBeGreaterThanOrEqual(sentAt + WAIT_MS);
  }
}

describe("the shapes OpenRouter's structured fields take, in words it has never used", () => {
  it('an upstream 429 with limit_source upstream_provider_shared_pool and a 6 s wait: the next model answers, the first is not called within its wait', async () => {
    for (const dialect of DIALECTS) await answeredByTheNext(dialect, 'upstream_429');
  });

  it('a 503 with availability temporarily_unavailable and a 6 s wait: the same', async () => {
    for (const dialect of DIALECTS) await answeredByTheNext(dialect, 'unavailable');
  });

  it('a 404 with availability free_variant_ended: the next model answers, the first leaves the pool after its one call', async () => {
    for (const dialect of DIALECTS) await answeredByTheNext(dialect, 'free_variant_ended');
  });

  it("the account's limits by limit_source and the usual headers: a per-minute 429 waits for the same model, a daily one stops with no further call", async () => {
    for (const dialect of DIALECTS) {
      await start(dialect);
      sim!.failNext(A, 'minute_limit');
      await expect(ask()).resolves.toEqual(expect.any(String));
      expect(models(), `minute (${dialect})`).toEqual([A, A]);

      await start(dialect);
      sim!.failNext(A, 'daily_limit');
      const e = await ask().catch((x: unknown) => x);
      expect(DailyLimitError.isInstance(e), `daily (${dialect}): ${String(e)}`).toBe(true);
      await ask().catch(() => undefined);
      expect(models(), `daily (${dialect})`).toEqual([A]);
    }
  });

  it('OPENROUTER_MAX_ATTEMPTS reaches the engine: with 1, a failed first model ends the request without calling another', async () => {
    await start('structured', { OPENROUTER_MAX_ATTEMPTS: '1' });
    sim!.failNext(A, 'server_error');
    await expect(ask()).rejects.toThrow(/stopped after 1 calls, the maxAttempts limit/);
    expect(models()).toEqual([A]);
  });
});

describe('an image URL the provider cannot fetch, in its own words, through IMAGE_DESCRIPTION', () => {
  let pages: Server;
  let missing: string;

  beforeAll(async () => {
    pages = createServer((_req, res) => res.writeHead(404).end());
    await new Promise<void>((r) => pages.listen(0, '127.0.0.1', r));
    missing = `http://127.0.0.1:${(pages.address() as AddressInfo).port}/gone.png`;
  });
  afterAll(async () => {
    pages.closeAllConnections();
    await new Promise<void>((r) => pages.close(() => r()));
  });

  it('a 404 URL and a private-network URL cost at most 2 calls each, cool no model, and the next valid image is served by the first vision model', async () => {
    const png =
      'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==';
    for (const dialect of DIALECTS) {
      await start(dialect);
      for (const url of [missing, 'http://192.168.0.7/photo.jpg']) {
        const before = sim!.stats().total;
        const err = await runtime!.useModel(ModelType.IMAGE_DESCRIPTION, { imageUrl: url, prompt: 'describe' }).catch((e: unknown) => e as Error);
        expect(RequestStoppedError.isInstance(err), `${dialect} ${url}: ${String(err)}`).toBe(true);
        expect((err as Error).message).toContain(`the image at ${url} could not be used`);
        expect((err as Error).message).not.toContain('server error');
        expect(sim!.stats().total - before, `${dialect} ${url}`).toBeLessThanOrEqual(2);
        const vision = getPoolEntry(runtime!)!.pool!.status().tiers.vision;
        expect(vision.map((m) => m.state), `${dialect} ${url}`).toEqual(VISION.map(() => 'ready'));
      }
      const before = sim!.stats().total;
      await expect(runtime!.useModel(ModelType.IMAGE_DESCRIPTION, { imageUrl: png, prompt: 'describe' })).resolves.toBeTruthy();
      expect(sim!.stats().calls.slice(before).map((c) => c.model), dialect).toEqual([VISION[0]]);
    }
  });
});
