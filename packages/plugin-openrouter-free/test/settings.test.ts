import { AgentRuntime as Runtime, ModelType, type AgentRuntime, type Character, type IAgentRuntime, type RouteResponse } from '@elizaos/core';
import { DEFAULT_BASE_URL, DEFAULT_POLICY, loadDefaultPools, PoolConfigError } from '@freepool/free-model-pool';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_CATALOG_TTL_MS, DEFAULT_EMBEDDING_DIMENSIONS, parseSettings, readSetting, resolveSettings } from '../src/config.js';
import { buildPoolDefinition } from '../src/pool-definition.js';
import { getPoolEntry } from '../src/pool-registry.js';
import { handleStatus } from '../src/routes/status.js';
import { FAKE_KEY, startRuntime, stopRuntime } from './helpers/runtime.js';
import { settingsError } from './helpers/settings-error.js';

const configError = settingsError;


describe('settings: parse and validate', () => {
  it('defaults everything but the key', () => {
    const s = parseSettings({ OPENROUTER_API_KEY: FAKE_KEY });
    expect(s).toMatchObject({
      apiKey: FAKE_KEY,
      baseURL: DEFAULT_BASE_URL,
      preferredModels: {},
      pinnedPools: {},
      policy: {},
      embeddingDimensions: DEFAULT_EMBEDDING_DIMENSIONS,
      catalogRefresh: true,
      catalogTtlMs: DEFAULT_CATALOG_TTL_MS,
    });
  });

  it('coerces what getSetting returns: numbers pass through, "true"/"false" arrive as booleans', () => {
    const s = parseSettings({
      OPENROUTER_FREE_RPM: 7,
      OPENROUTER_RATE_WINDOW_MS: '1000',
      OPENROUTER_MAX_WAIT_MS: 0,
      OPENROUTER_COOLDOWN_MS: '100, 200,400',
      OPENROUTER_CATALOG_REFRESH: false,
      OPENROUTER_BASE_URL: 'http://127.0.0.1:9/api/v1/',
    });
    expect(s.policy).toEqual({ freeRequestsPerWindow: 7, rateWindowMs: 1000, maxWaitMs: 0, cooldownLadderMs: [100, 200, 400] });
    expect(s.catalogRefresh).toBe(false);
    expect(s.baseURL).toBe('http://127.0.0.1:9/api/v1');
  });

  it("the engine's time constants are settings: the first-chunk timeout, the request deadline, the attempts per request, the recovery probe interval", () => {
    const s = parseSettings({
      OPENROUTER_FIRST_CHUNK_TIMEOUT_MS: '500',
      OPENROUTER_REQUEST_DEADLINE_MS: 3000,
      OPENROUTER_MAX_ATTEMPTS: '2',
      OPENROUTER_RECOVERY_PROBE_MS: '250',
    });
    expect(s.policy).toEqual({ firstChunkTimeoutMs: 500, requestDeadlineMs: 3000, maxAttempts: 2, recoveryProbeIntervalMs: 250 });
    for (const [key, value, expected] of [
      ['OPENROUTER_FIRST_CHUNK_TIMEOUT_MS', '0', /positive number of milliseconds, got "0"/],
      ['OPENROUTER_REQUEST_DEADLINE_MS', '3 minutes', /positive number of milliseconds, got "3 minutes"/],
      ['OPENROUTER_MAX_ATTEMPTS', '2.5', /positive integer, got "2.5"/],
      ['OPENROUTER_RECOVERY_PROBE_MS', '-1', /positive number of milliseconds, got "-1"/],
    ] as const) {
      const e = configError({ [key]: value });
      expect(e.setting).toBe(key);
      expect(e.message).toMatch(new RegExp(`${key}: expected a ${expected.source}`));
    }
  });

  it('reads a JSON false or 0 from the character, which getSetting drops as falsy', () => {
    const runtime = {
      getSetting: () => null,
      character: { settings: { OPENROUTER_CATALOG_REFRESH: false, secrets: { OPENROUTER_MAX_WAIT_MS: 0 } } },
    } as unknown as IAgentRuntime;
    expect(readSetting(runtime, 'OPENROUTER_CATALOG_REFRESH')).toBe(false);
    expect(readSetting(runtime, 'OPENROUTER_MAX_WAIT_MS')).toBe(0);
  });

  it('reads a pool written as a JSON array in the character settings, which getSetting returns as null', () => {
    // The character schema (what a JSON character file is checked against) allows arrays in
    // `settings`; getSetting turns them into null, which used to drop the user's pool silently.
    const fromJson = {
      name: 'ArrayPools',
      bio: ['x'],
      settings: {
        OPENROUTER_SMALL_POOL: ['a/b:free', 'c/d:free'],
        OPENROUTER_LARGE_POOL: ['e/f:free', 'not a model'],
      },
    };
    const runtime = new Runtime({ character: fromJson as unknown as Character });
    const e = (() => {
      try {
        resolveSettings(runtime);
      } catch (error) {
        return error as PoolConfigError;
      }
      throw new Error('expected resolveSettings to throw');
    })();
    expect(e.setting).toBe('OPENROUTER_LARGE_POOL');
    expect(e.message).toMatch(/entry 2 "not a model"/);
    (runtime.character.settings as Record<string, unknown>).OPENROUTER_LARGE_POOL = ['e/f:free'];
    expect(resolveSettings(runtime).pinnedPools).toEqual({ small: ['a/b:free', 'c/d:free'], large: ['e/f:free'] });
  });

  it.each([
    [{ OPENROUTER_FREE_RPM: 'twenty' }, 'OPENROUTER_FREE_RPM', /positive integer.*"twenty"/],
    [{ OPENROUTER_FREE_RPM: 0 }, 'OPENROUTER_FREE_RPM', /positive integer/],
    [{ OPENROUTER_BASE_URL: 'openrouter.ai/api/v1' }, 'OPENROUTER_BASE_URL', /http\(s\) URL/],
    [{ OPENROUTER_BASE_URL: 'ftp://x/api/v1' }, 'OPENROUTER_BASE_URL', /http\(s\) URL/],
    [{ OPENROUTER_COOLDOWN_MS: '100,soon' }, 'OPENROUTER_COOLDOWN_MS', /comma-separated positive milliseconds/],
    [{ OPENROUTER_SMALL_POOL: 'a/b:free,,c/d:free' }, 'OPENROUTER_SMALL_POOL', /entry 2 is empty/],
    [{ OPENROUTER_LARGE_POOL: 'a/b:free, not a model' }, 'OPENROUTER_LARGE_POOL', /entry 2 "not a model".*vendor\/model\[:variant\]/],
    [{ OPENROUTER_SMALL_MODEL: 'gpt-4o-mini' }, 'OPENROUTER_SMALL_MODEL', /vendor\/model/],
    [{ OPENROUTER_CATALOG_REFRESH: 'maybe' }, 'OPENROUTER_CATALOG_REFRESH', /true or false/],
  ])('rejects %o naming %s', (raw, setting, message) => {
    const e = configError(raw);
    expect(e.setting).toBe(setting);
    expect(e.message).toContain(setting);
    expect(e.message).toMatch(message);
  });

  it('never echoes the key when it was pasted into the wrong setting', () => {
    const e = configError({ OPENROUTER_API_KEY: FAKE_KEY, OPENROUTER_BASE_URL: FAKE_KEY, OPENROUTER_SMALL_MODEL: FAKE_KEY });
    expect(e.setting).toBe('OPENROUTER_BASE_URL');
    expect(e.message).toMatch(/OPENROUTER_BASE_URL: expected an http\(s\) URL/);
    expect(e.message).not.toContain(FAKE_KEY);
    const warnings: string[] = [];
    parseSettings({ OPENROUTER_API_KEY: FAKE_KEY, SMALL_MODEL: FAKE_KEY }, (m) => warnings.push(m));
    expect(warnings.join('\n')).toMatch(/SMALL_MODEL=/);
    expect(warnings.join('\n')).not.toContain(FAKE_KEY);
  });

  it('takes EMBEDDING_MODEL as the official plugin does, unless it is not an OpenRouter id', () => {
    expect(parseSettings({ EMBEDDING_MODEL: 'openai/text-embedding-3-small' }).embeddingModel).toBe('openai/text-embedding-3-small');
    expect(
      parseSettings({ OPENROUTER_EMBEDDING_MODEL: 'a/b', EMBEDDING_MODEL: 'openai/text-embedding-3-small' }).embeddingModel,
    ).toBe('a/b');
    const warnings: string[] = [];
    expect(parseSettings({ EMBEDDING_MODEL: 'nomic-embed-text' }, (m) => warnings.push(m)).embeddingModel).toBeUndefined();
    expect(warnings.join('\n')).toMatch(/EMBEDDING_MODEL="nomic-embed-text".*OPENROUTER_EMBEDDING_MODEL/);
  });

  it('warns about settings of the official plugin that this one does not serve, instead of ignoring them silently', () => {
    const runtime = {
      getSetting: (k: string) => ({ OPENROUTER_IMAGE_GENERATION_MODEL: 'google/gemini-2.5-flash-image-preview' })[k] ?? null,
      character: {},
    } as unknown as IAgentRuntime;
    const warnings: string[] = [];
    resolveSettings(runtime, (m) => warnings.push(m));
    expect(warnings.join('\n')).toMatch(/OPENROUTER_IMAGE_GENERATION_MODEL is a setting of @elizaos\/plugin-openrouter that is not used here/);
  });

  it('warns when OPENROUTER_BASE_URL lacks /api/v1, where every model would answer 404 as if gone', () => {
    const warnings: string[] = [];
    parseSettings({ OPENROUTER_BASE_URL: 'https://openrouter.ai/' }, (m) => warnings.push(m));
    expect(warnings.join('\n')).toMatch(/OPENROUTER_BASE_URL="https:\/\/openrouter\.ai" does not end in \/api\/v1/);
    warnings.length = 0;
    parseSettings({ OPENROUTER_BASE_URL: 'http://127.0.0.1:9/api/v1/' }, (m) => warnings.push(m));
    expect(warnings).toEqual([]);
  });

  it('ignores a generic SMALL_MODEL meant for another plugin, with a warning', () => {
    const warnings: string[] = [];
    const s = parseSettings({ SMALL_MODEL: 'gpt-4o-mini', LARGE_MODEL: 'meta-llama/llama-3.3-70b-instruct:free' }, (m) => warnings.push(m));
    expect(s.preferredModels).toEqual({ large: 'meta-llama/llama-3.3-70b-instruct:free' });
    expect(warnings.join('\n')).toMatch(/SMALL_MODEL="gpt-4o-mini".*OPENROUTER_SMALL_MODEL/);
  });

  it('puts the preferred model first, replaces pinned tiers, de-duplicates', () => {
    const s = parseSettings({
      OPENROUTER_SMALL_POOL: 'a/one:free,b/two:free,a/one:free',
      OPENROUTER_SMALL_MODEL: 'b/two:free',
      OPENROUTER_IMAGE_MODEL: 'v/new-vision:free',
    });
    const defaults = loadDefaultPools();
    const { definition } = buildPoolDefinition(defaults, s);
    expect(definition.tiers.small).toEqual(['b/two:free', 'a/one:free']);
    expect(definition.tiers.large).toEqual(defaults.tiers.large);
    expect(definition.tiers.vision).toEqual(['v/new-vision:free', ...defaults.tiers.vision.filter((id) => id !== 'v/new-vision:free')]);
    // An id no pool file describes still gets an entry; in the vision tier it is assumed to see images.
    expect(definition.models['v/new-vision:free']?.vision).toBe(true);
  });

  it('trusts OPENROUTER_IMAGE_MODEL to see images even when the pool file says text-only', () => {
    const defaults = loadDefaultPools();
    const textOnly = Object.values(defaults.models).find((m) => !m.vision)!;
    const { definition } = buildPoolDefinition(defaults, parseSettings({ OPENROUTER_IMAGE_MODEL: textOnly.id }));
    expect(definition.tiers.vision[0]).toBe(textOnly.id);
    expect(definition.models[textOnly.id]?.vision).toBe(true);
  });

  it('keeps DEFAULT_POLICY numbers the user did not set (the engine fills them in)', () => {
    expect(parseSettings({ OPENROUTER_FREE_RPM: '5' }).policy).toEqual({ freeRequestsPerWindow: 5 });
    expect(DEFAULT_POLICY.freeRequestsPerWindow).toBe(20);
  });
});

describe('settings at runtime start-up', () => {
  let savedKey: string | undefined;
  beforeAll(() => {
    savedKey = process.env.OPENROUTER_API_KEY;
    delete process.env.OPENROUTER_API_KEY;
  });
  afterAll(() => {
    if (savedKey !== undefined) process.env.OPENROUTER_API_KEY = savedKey;
  });

  let runtime: AgentRuntime | undefined;
  afterEach(async () => {
    await stopRuntime(runtime).catch(() => undefined);
    runtime = undefined;
  });

  it('starts without OPENROUTER_API_KEY, warns, and every handler names the missing key', async () => {
    const warnings: string[] = [];
    runtime = await startRuntime(
      { OPENROUTER_BASE_URL: 'http://127.0.0.1:9/api/v1', OPENROUTER_EMBEDDING_MODEL: 'openai/text-embedding-3-small' },
      {
        beforeInit: (rt) => {
          const warn = rt.logger.warn.bind(rt.logger);
          rt.logger.warn = (obj: unknown, msg?: string, ...rest: unknown[]) => {
            warnings.push(typeof obj === 'string' ? obj : String(msg));
            return warn(obj as never, msg, ...rest);
          };
        },
      },
    );
    expect(warnings.filter((w) => w.includes('OPENROUTER_API_KEY'))).toHaveLength(1);
    await expect(runtime.useModel(ModelType.TEXT_SMALL, { prompt: 'hi' })).rejects.toThrow(/OPENROUTER_API_KEY/);
    await expect(runtime.useModel(ModelType.TEXT_LARGE, { prompt: 'hi' })).rejects.toThrow(/OPENROUTER_API_KEY/);
    await expect(runtime.useModel(ModelType.OBJECT_SMALL, { prompt: 'hi' })).rejects.toThrow(/OPENROUTER_API_KEY/);
    await expect(
      runtime.useModel(ModelType.IMAGE_DESCRIPTION, { imageUrl: 'https://example.com/a.png', prompt: 'x' }),
    ).rejects.toThrow(/OPENROUTER_API_KEY/);
    // ElizaOS's start-up probe of the embedding size still worked (a zero vector, no call); real text needs the key.
    await expect(runtime.useModel(ModelType.TEXT_EMBEDDING, { text: 'hi' })).rejects.toThrow(/OPENROUTER_API_KEY/);
    // The status route says why there is no pool instead of failing.
    let sent: unknown;
    const res = { status: () => res, json: (body: unknown) => ((sent = body), res) } as unknown as RouteResponse;
    await handleStatus({}, res, runtime);
    expect(sent).toEqual({ configured: false, reason: 'OPENROUTER_API_KEY is not set' });
  });

  it('rejects runtime.initialize with an error naming a malformed pool setting and the bad entry', async () => {
    const attempt = startRuntime({
      OPENROUTER_API_KEY: FAKE_KEY,
      OPENROUTER_BASE_URL: 'http://127.0.0.1:9/api/v1',
      OPENROUTER_SMALL_POOL: 'meta-llama/llama-3.2-3b-instruct:free,llama 3 please',
    });
    await expect(attempt).rejects.toThrow(/OPENROUTER_SMALL_POOL.*entry 2 "llama 3 please"/);
  });

  it('keeps one pool per runtime', async () => {
    runtime = await startRuntime({
      OPENROUTER_API_KEY: FAKE_KEY,
      OPENROUTER_BASE_URL: 'http://127.0.0.1:9/api/v1',
      OPENROUTER_CATALOG_REFRESH: 'false',
      OPENROUTER_LARGE_POOL: 'a/b:free',
    });
    const other = await startRuntime({
      OPENROUTER_API_KEY: FAKE_KEY,
      OPENROUTER_BASE_URL: 'http://127.0.0.1:9/api/v1',
      OPENROUTER_CATALOG_REFRESH: 'false',
      OPENROUTER_LARGE_POOL: 'c/d:free',
    });
    try {
      expect(getPoolEntry(runtime)?.pool?.getPool().tiers.large).toEqual(['a/b:free']);
      expect(getPoolEntry(other)?.pool?.getPool().tiers.large).toEqual(['c/d:free']);
    } finally {
      await stopRuntime(other);
    }
  });
});
