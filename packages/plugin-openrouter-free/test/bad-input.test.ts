import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ModelType, type AgentRuntime } from '@elizaos/core';
import { RequestStoppedError } from '@freepool/free-model-pool';
import { startSimulator, type Simulator } from '@freepool/openrouter-simulator';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parseSettings, resolveSettings } from '../src/config.js';
import { getPoolEntry } from '../src/pool-registry.js';
import { settingsError } from './helpers/settings-error.js';
import { captureWarnings, FAKE_KEY, FAST_SETTINGS, PINNED_POOLS, startRuntime, stopRuntime, VISION } from './helpers/runtime.js';

const PAID = 'openai/gpt-4o-mini';


describe('settings that would cost money or mean nothing', () => {
  it('a paid model in a pool setting is refused, naming it and OPENROUTER_ALLOW_PAID; allowed on purpose it is kept', () => {
    const e = settingsError({ OPENROUTER_SMALL_POOL: `meta-llama/llama-3.2-3b-instruct:free,${PAID}` });
    expect(e.setting).toBe('OPENROUTER_SMALL_POOL');
    expect(e.message).toBe(
      `OPENROUTER_SMALL_POOL has "${PAID}", which is not a free model (free ids end in ":free", or are openrouter/free): this plugin calls only free models unless OPENROUTER_ALLOW_PAID=true is set.`,
    );
    const allowed = parseSettings({ OPENROUTER_SMALL_POOL: PAID, OPENROUTER_ALLOW_PAID: 'true' });
    expect(allowed.pinnedPools.small).toEqual([PAID]);
    expect(allowed.allowPaid).toBe(true);
  });

  it("a paid first choice carried over from the official plugin is ignored with a warning, unless paid models are allowed", () => {
    const warnings: string[] = [];
    const s = parseSettings({ OPENROUTER_SMALL_MODEL: PAID, LARGE_MODEL: 'anthropic/claude-3.5-sonnet' }, (m) => warnings.push(m));
    expect(s.preferredModels).toEqual({});
    expect(warnings).toEqual([
      `OPENROUTER_SMALL_MODEL="${PAID}" is not a free model (free ids end in ":free"); ignoring it, so nothing costs money. Set OPENROUTER_ALLOW_PAID=true to use it on purpose.`,
      'LARGE_MODEL="anthropic/claude-3.5-sonnet" is not a free model (free ids end in ":free"); ignoring it, so nothing costs money. Set OPENROUTER_ALLOW_PAID=true to use it on purpose.',
    ]);
    expect(parseSettings({ OPENROUTER_SMALL_MODEL: PAID, OPENROUTER_ALLOW_PAID: 'true' }).preferredModels).toEqual({ small: PAID });
  });

  it('an empty pool setting says that the default pool is used', () => {
    const warnings: string[] = [];
    process.env.OPENROUTER_LARGE_POOL = '';
    try {
      const s = resolveSettings(undefined, (m) => warnings.push(m));
      expect(s.pinnedPools.large).toBeUndefined();
    } finally {
      delete process.env.OPENROUTER_LARGE_POOL;
    }
    expect(warnings).toContain(
      'OPENROUTER_LARGE_POOL is set but empty: the default pool is used for that tier. Remove the setting, or list model ids to replace the pool.',
    );
  });

  it('OPENROUTER_MAX_IMAGE_BYTES must be a positive integer and reaches the engine', () => {
    expect(parseSettings({ OPENROUTER_MAX_IMAGE_BYTES: '2048' }).policy.maxImageBytes).toBe(2048);
    expect(settingsError({ OPENROUTER_MAX_IMAGE_BYTES: '2MB' }).message).toMatch(/OPENROUTER_MAX_IMAGE_BYTES: expected a positive integer, got "2MB"/);
  });
});

describe('bad input through a real AgentRuntime: a clear error, no call, no quota, no cooldown', () => {
  let sim: Simulator;
  let runtime: AgentRuntime | undefined;
  let pages: Server;
  let pagesURL: string;

  beforeAll(async () => {
    sim = await startSimulator({ apiKey: FAKE_KEY, scenario: { account: { perMinute: 1000 } } });
    pages = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<html>not an image</html>');
    });
    await new Promise<void>((r) => pages.listen(0, '127.0.0.1', r));
    pagesURL = `http://127.0.0.1:${(pages.address() as AddressInfo).port}`;
  });
  beforeEach(() => sim.resetStats());
  afterEach(async () => {
    await stopRuntime(runtime);
    runtime = undefined;
  });
  afterAll(async () => {
    pages.closeAllConnections();
    await new Promise<void>((r) => pages.close(() => r()));
    await sim?.close();
  });

  const settings = (extra: Record<string, string> = {}) => ({
    OPENROUTER_API_KEY: FAKE_KEY,
    OPENROUTER_BASE_URL: sim.baseURL,
    ...FAST_SETTINGS,
    ...PINNED_POOLS,
    ...extra,
  });
  const chatCalls = () => sim.stats().total;
  const health = () => getPoolEntry(runtime!)!.pool!.store.listModelHealth();

  it('a pinned :free id that the catalog says costs money stops the agent at start, naming the setting', async () => {
    const start = startRuntime(settings({ OPENROUTER_SMALL_POOL: 'arcee-ai/trinity-mini:free' }));
    await expect(start).rejects.toThrow(/^OPENROUTER_SMALL_POOL: none of its models is free in OpenRouter's catalog \(arcee-ai\/trinity-mini:free\)/);
    expect(chatCalls()).toBe(0);
  });

  it('OBJECT_SMALL with a schema given as a string, or an invalid schema', async () => {
    runtime = await startRuntime(settings());
    await expect(runtime.useModel(ModelType.OBJECT_SMALL, { prompt: 'json', schema: '{"type":"object"}' as never })).rejects.toThrow(
      'OBJECT_SMALL: params.schema must be a JSON schema object such as {"type":"object","properties":{…}}, got a string',
    );
    await expect(runtime.useModel(ModelType.OBJECT_SMALL, { prompt: 'json', schema: { type: 'object', properties: 'name' as never } })).rejects.toThrow(
      /^schema is not a valid JSON schema: schema\/properties must be object/,
    );
    expect(chatCalls()).toBe(0);
    expect(health()).toEqual([]);
    expect(getPoolEntry(runtime)!.pool!.status().account.sentInWindow).toBe(0);
  });

  it('IMAGE_DESCRIPTION with an image above OPENROUTER_MAX_IMAGE_BYTES', async () => {
    runtime = await startRuntime(settings({ OPENROUTER_MAX_IMAGE_BYTES: '1024' }));
    const big = `data:image/png;base64,${'A'.repeat(8 * 1024)}`;
    await expect(runtime.useModel(ModelType.IMAGE_DESCRIPTION, { imageUrl: big, prompt: 'describe' })).rejects.toThrow(
      /^imageUrl is a data URL of 6 KB, above the 1 KB an image may have/,
    );
    expect(chatCalls()).toBe(0);
    expect(health()).toEqual([]);
  });

  it('IMAGE_DESCRIPTION of a page that is not an image: one call, an error naming the URL, and the vision pool stays ready', async () => {
    runtime = await startRuntime(settings());
    const url = `${pagesURL}/photo.png`;
    const err = await runtime.useModel(ModelType.IMAGE_DESCRIPTION, { imageUrl: url, prompt: 'describe' }).catch((e: unknown) => e);
    expect(RequestStoppedError.isInstance(err)).toBe(true);
    expect((err as Error).message).toContain(`the image at ${url} could not be used: Failed to fetch image`);
    expect(chatCalls()).toBe(1);
    const status = getPoolEntry(runtime)!.pool!.status();
    expect(status.tiers.vision.map((m) => m.state)).toEqual(VISION.map(() => 'ready'));
  });

  it('a base URL without /api/v1: warned at start, and the call error leads with the cause without any HTML', async () => {
    const warnings: string[] = [];
    runtime = await startRuntime(settings({ OPENROUTER_BASE_URL: sim.url, OPENROUTER_CATALOG_REFRESH: 'false' }), { beforeInit: captureWarnings(warnings) });
    expect(warnings.some((w) => /does not end in \/api\/v1/.test(w))).toBe(true);
    const err = (await runtime.useModel(ModelType.TEXT_SMALL, { prompt: 'hello' }).catch((e: unknown) => e)) as Error;
    expect(err.message).toMatch(/HTTP 404 from the API itself, not from a model: check that OPENROUTER_BASE_URL ends in \/api\/v1/);
    expect(err.message).not.toMatch(/<|doctype/i);
    expect(getPoolEntry(runtime)!.pool!.status().tiers.small.every((m) => m.state === 'ready')).toBe(true);
  });
});

describe('OPENROUTER_TIER_FALLBACK', () => {
  it('reads pairs and off into the engine policy, and names a bad pair', () => {
    expect(parseSettings({ OPENROUTER_TIER_FALLBACK: 'large>small' }).policy.tierFallback).toEqual({ large: ['small'] });
    expect(parseSettings({ OPENROUTER_TIER_FALLBACK: 'off' }).policy.tierFallback).toEqual({});
    expect(parseSettings({}).policy.tierFallback).toBeUndefined();
    expect(settingsError({ OPENROUTER_TIER_FALLBACK: 'large>tiny' }).message).toMatch(
      /OPENROUTER_TIER_FALLBACK: expected off, or pairs like large>small \(tiers: small, large, vision\), got "large>tiny"/,
    );
    expect(settingsError({ OPENROUTER_TIER_FALLBACK: 'vision>small' }).message).toMatch(/vision tier can fall back only to vision models/);
  });
});
