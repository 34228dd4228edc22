import { createServer, type Server } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { FreeModelPool, PoolConfigError, RequestStoppedError } from '@freepool/free-model-pool';
import { ERROR_DIALECTS } from '@freepool/openrouter-simulator';
import { FAKE_KEY, FAST_POLICY, PNG_DATA_URL, poolFromSimulator, SMALL, startHarness, VISION, type Harness } from './helpers.js';

let h: Harness | undefined;
let extra: Server | undefined;
afterEach(async () => {
  await h?.sim.close();
  h = undefined;
  await new Promise<void>((r) => (extra ? extra.close(() => r()) : r()));
  extra = undefined;
});

/** What a mistake must leave untouched: no HTTP call, no account slot, no daily unit, no model health. */
function expectNothingSpent(harness: Harness, dailyLimit?: number) {
  expect(harness.sim.stats().total).toBe(0);
  const status = harness.pool.status();
  expect(status.account.sentInWindow).toBe(0);
  if (dailyLimit !== undefined) expect(status.daily.remaining).toBe(dailyLimit);
  expect(harness.pool.store.listModelHealth()).toEqual([]);
}

async function rejection(p: Promise<unknown>): Promise<Error> {
  return p.then(
    () => {
      throw new Error('expected a rejection');
    },
    (e: Error) => e,
  );
}

describe("a caller's mistake is refused before any call, and costs nothing", () => {
  const schemas: Array<[string, Record<string, unknown>, RegExp]> = [
    ['an unknown type', { type: 'objekt' }, /^schema is not a valid JSON schema: schema\/type must be equal to one of the allowed values/],
    ['properties that are not an object', { type: 'object', properties: 'name' }, /^schema is not a valid JSON schema: schema\/properties must be object/],
  ];
  for (const [what, schema, message] of schemas) {
    it(`an object request whose schema has ${what}`, async () => {
      h = await startHarness();
      const err = await rejection(h.pool.generateObject({ tier: 'small', prompt: 'json please', schema }));
      expect(PoolConfigError.isInstance(err)).toBe(true);
      expect((err as PoolConfigError).setting).toBe('schema');
      expect(err.message).toMatch(message);
      expectNothingSpent(h);
    });
  }

  it('a circular schema: refused before any slot or daily unit is reserved', async () => {
    h = await startHarness({ account: { daily: 50 } }, { policy: { dailyLimit: 50 } });
    const schema: Record<string, unknown> = { type: 'object', properties: {} };
    (schema.properties as Record<string, unknown>).self = schema;
    const err = await rejection(h.pool.generateObject({ tier: 'small', prompt: 'json please', schema }));
    expect(PoolConfigError.isInstance(err)).toBe(true);
    expect(err.message).toMatch(/^schema cannot be sent: it does not serialise to JSON/);
    expectNothingSpent(h, 50);
  });

  it('an empty prompt', async () => {
    h = await startHarness();
    for (const prompt of ['', '   \n']) {
      const err = await rejection(h.pool.generateText({ tier: 'small', prompt }));
      expect(PoolConfigError.isInstance(err)).toBe(true);
      expect(err.message).toBe('prompt must not be empty: there is nothing to answer');
      expect(() => h!.pool.streamText({ tier: 'small', prompt })).toThrow(/prompt must not be empty/);
    }
    expectNothingSpent(h);
  });

  it('an image data URL above maxImageBytes names its size and the limit', async () => {
    h = await startHarness({}, { policy: { maxImageBytes: 1024 } });
    const big = `data:image/png;base64,${'A'.repeat(4 * 1024)}`;
    const err = await rejection(h.pool.describeImage({ tier: 'vision', imageUrl: big, prompt: 'describe' }));
    expect(PoolConfigError.isInstance(err)).toBe(true);
    expect(err.message).toMatch(/^imageUrl is a data URL of 3 KB, above the 1 KB an image may have \(policy maxImageBytes, plugin setting OPENROUTER_MAX_IMAGE_BYTES\)/);
    expectNothingSpent(h);
  });

  it('a paid model in a tier is refused when the pool is built, naming it and the setting that allows it', async () => {
    h = await startHarness();
    const build = () =>
      new FreeModelPool({
        connection: { apiKey: FAKE_KEY, baseURL: h!.sim.baseURL },
        pool: poolFromSimulator(h!.sim, { small: [SMALL[0], 'openai/gpt-4o-mini'] }),
        policy: FAST_POLICY,
      });
    expect(build).toThrow(/^pool\.tiers\.small has "openai\/gpt-4o-mini", which is not a free model .*OPENROUTER_ALLOW_PAID=true/);
    expect(() => h!.pool.setPool(poolFromSimulator(h!.sim, { large: ['openai/gpt-4o-mini'] }))).toThrow(PoolConfigError);
    expect(h.sim.stats().total).toBe(0);
  });
});

describe('an image the provider cannot use stops the request, names the image and cools nothing', () => {
  async function serveNonImage(): Promise<string> {
    extra = createServer((req, res) => {
      if (req.url === '/page.png') {
        res.writeHead(200, { 'content-type': 'text/html' });
        res.end('<html>not an image</html>');
      } else {
        res.writeHead(404);
        res.end();
      }
    });
    await new Promise<void>((r) => extra!.listen(0, '127.0.0.1', () => r()));
    const { port } = extra!.address() as { port: number };
    return `http://127.0.0.1:${port}`;
  }

  it('a non-image URL, a 404 image URL and an unreachable URL: one call each, no rotation, and the next valid image is served by the first model', async () => {
    h = await startHarness();
    const base = await serveNonImage();
    for (const url of [`${base}/page.png`, `${base}/missing.png`, 'http://127.0.0.1:9/unreachable.png']) {
      const before = h.sim.stats().total;
      const err = await rejection(h.pool.describeImage({ tier: 'vision', imageUrl: url, prompt: 'describe' }));
      expect(RequestStoppedError.isInstance(err), err.message).toBe(true);
      expect((err as RequestStoppedError).reason).toBe('bad_request');
      expect(err.message).toContain(`the image at ${url} could not be used`);
      expect(h.sim.stats().total - before).toBe(1);
    }
    // Nothing was cooled: the first vision model serves the next, valid image.
    expect(h.pool.status().tiers.vision.map((m) => m.state)).toEqual(['ready', 'ready']);
    const ok = await h.pool.describeImage({ tier: 'vision', imageUrl: PNG_DATA_URL, prompt: 'describe' });
    // VISION[0] takes no images (the catalog says so), so VISION[1] is the first that can serve.
    expect(ok.model).toBe(VISION[1]);
    expect(ok.attempts.filter((a) => a.outcome !== 'skipped')).toHaveLength(1);
  });
});

describe('an image URL the provider cannot use, in any wording: at most 2 calls in all, no model cooled', () => {
  // Three models that all take images, so a request that rotated on would show it.
  const VISION3 = ['google/gemma-3-27b-it:free', 'google/gemma-3-12b-it:free', 'google/gemma-3-4b-it:free'];

  it(`a 404 URL, a page that is not an image, a private-network URL and an unreachable one, worded as each dialect words them (${ERROR_DIALECTS.join(', ')})`, async () => {
    extra = createServer((req, res) => {
      if (req.url === '/page.png') res.writeHead(200, { 'content-type': 'text/html' }).end('<html>not an image</html>');
      else res.writeHead(404).end();
    });
    await new Promise<void>((r) => extra!.listen(0, '127.0.0.1', () => r()));
    const base = `http://127.0.0.1:${(extra.address() as { port: number }).port}`;
    for (const dialect of ERROR_DIALECTS) {
      h = await startHarness({ errorDialect: dialect }, { tiers: { vision: VISION3 } });
      for (const url of [`${base}/missing.png`, `${base}/page.png`, 'http://10.1.2.3/cat.png', 'http://127.0.0.1:9/unreachable.png']) {
        const before = h.sim.stats().total;
        const err = await rejection(h.pool.describeImage({ tier: 'vision', imageUrl: url, prompt: 'describe' }));
        expect(RequestStoppedError.isInstance(err), `${dialect} ${url}: ${err.message}`).toBe(true);
        expect(err.message).toContain(`the image at ${url} could not be used`);
        expect(h.sim.stats().total - before, `${dialect} ${url}`).toBeLessThanOrEqual(2);
        expect(h.pool.status().tiers.vision.map((m) => m.state), `${dialect} ${url}`).toEqual(['ready', 'ready', 'ready']);
      }
      // Nothing was cooled: the first vision model serves the next, valid image at once.
      const ok = await h.pool.describeImage({ tier: 'vision', imageUrl: PNG_DATA_URL, prompt: 'describe' });
      expect(ok.model, dialect).toBe(VISION3[0]);
      expect(ok.attempts, dialect).toHaveLength(1);
      await h.sim.close();
      h = undefined;
    }
  });
});

describe('a base URL without /api/v1', () => {
  it('the error leads with the cause and quotes no HTML; no model is cooled or removed', async () => {
    h = await startHarness();
    const pool = new FreeModelPool({
      connection: { apiKey: FAKE_KEY, baseURL: h.sim.url },
      pool: poolFromSimulator(h.sim),
      policy: FAST_POLICY,
    });
    const err = await rejection(pool.generateText({ tier: 'small', prompt: 'hello' }));
    expect(RequestStoppedError.isInstance(err)).toBe(true);
    expect(err.message).toMatch(/^The request to the small pool was stopped: .* \(404\): HTTP 404 from the API itself, not from a model: check that OPENROUTER_BASE_URL ends in \/api\/v1/);
    expect(err.message).not.toMatch(/<|DOCTYPE/i);
    expect(pool.status().tiers.small.every((m) => m.state === 'ready')).toBe(true);
  });
});
