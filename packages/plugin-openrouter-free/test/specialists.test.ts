import { ModelType, type AgentRuntime } from '@elizaos/core';
import { SPECIALTIES } from '@freepool/free-model-pool';
import { startSimulator, type Simulator } from '@freepool/openrouter-simulator';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SHARED_DIR, snapshotsPresent } from '../../free-model-pool/test/catalog/helpers.js';
import { parseSettings } from '../src/config.js';
import { getPoolEntry } from '../src/pool-registry.js';
import { FAKE_KEY, FAST_SETTINGS, startRuntime, stopRuntime } from './helpers/runtime.js';
import { settingsError } from './helpers/settings-error.js';

const CODER = 'qwen/qwen3-coder:free';
const LAGUNA = 'poolside/laguna-m.1:free';
const OCR = 'baidu/qianfan-ocr-fast:free';
const PNG = 'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==';

describe('OPENROUTER_ALLOW_SPECIALISTS: parsing', () => {
  it('reads kinds, all or none; unset means none', () => {
    expect(parseSettings({}).allowSpecialists).toEqual([]);
    expect(parseSettings({ OPENROUTER_ALLOW_SPECIALISTS: 'Code, ocr,code' }).allowSpecialists).toEqual(['code', 'ocr']);
    expect(parseSettings({ OPENROUTER_ALLOW_SPECIALISTS: 'all' }).allowSpecialists).toEqual([...SPECIALTIES]);
    expect(parseSettings({ OPENROUTER_ALLOW_SPECIALISTS: 'none' }).allowSpecialists).toEqual([]);
  });

  it('an unknown kind is an error naming the setting and the kinds it takes', () => {
    const e = settingsError({ OPENROUTER_ALLOW_SPECIALISTS: 'code,coding' });
    expect(e.setting).toBe('OPENROUTER_ALLOW_SPECIALISTS');
    expect(e.message).toMatch(/OPENROUTER_ALLOW_SPECIALISTS: expected comma-separated specialist kinds \(code, math, ocr, guard, roleplay, search, media\), all or none, got "coding"/);
  });
});

describe.skipIf(!snapshotsPresent)('specialists in the agent\'s pools (the 2026-05-01 catalog, served by the simulator)', () => {
  let sim: Simulator;
  let runtime: AgentRuntime | undefined;
  const start = (extra: Record<string, string> = {}) =>
    startRuntime({ OPENROUTER_API_KEY: FAKE_KEY, OPENROUTER_BASE_URL: sim.baseURL, ...FAST_SETTINGS, ...extra });
  const tiers = () => getPoolEntry(runtime!)!.pool!.getPool().tiers;

  beforeAll(async () => {
    sim = await startSimulator({ apiKey: FAKE_KEY, catalog: `${SHARED_DIR}/models-2026-05-01.json`, scenario: { seed: 5, account: { perMinute: 1000 } } });
  });
  afterEach(async () => {
    await stopRuntime(runtime);
    runtime = undefined;
    sim.resetStats();
  });
  afterAll(async () => {
    await sim?.close();
  });

  it('by default: a busy first model hands TEXT_LARGE to a general model, and a general vision model describes images', async () => {
    runtime = await start();
    const large = tiers().large;
    expect(large.slice(-2)).toEqual([CODER, LAGUNA]);
    expect(tiers().vision.at(-1)).toBe(OCR);

    sim.failNext(large[0]!, 'upstream_429');
    await runtime.useModel(ModelType.TEXT_LARGE, { prompt: 'How was your weekend?' });
    await runtime.useModel(ModelType.IMAGE_DESCRIPTION, { imageUrl: PNG, prompt: 'Give this image a title and a description' });
    const calls = sim.stats().calls.map((c) => [c.model, c.status]);
    expect(calls).toEqual([
      [large[0], '429'],
      [large[1], '200'],
      [tiers().vision[0], '200'],
    ]);
    expect([CODER, LAGUNA, OCR]).not.toContain(large[1]);
  });

  it('OPENROUTER_ALLOW_SPECIALISTS=code: the coding models rank by their score, the OCR model still waits', async () => {
    runtime = await start({ OPENROUTER_ALLOW_SPECIALISTS: 'code' });
    expect(tiers().large[1]).toBe(CODER); // 480B A35B: second only to Hermes 3 405B by score
    expect(tiers().large.at(-1)).not.toBe(LAGUNA);
    expect(tiers().vision.at(-1)).toBe(OCR);
  });

  it('the same without the catalog (OPENROUTER_CATALOG_REFRESH=false): the committed default is re-ranked alike', async () => {
    runtime = await start({ OPENROUTER_ALLOW_SPECIALISTS: 'code' });
    const live = tiers();
    await stopRuntime(runtime);
    runtime = await start({ OPENROUTER_ALLOW_SPECIALISTS: 'code', OPENROUTER_CATALOG_REFRESH: 'false' });
    expect(tiers()).toEqual(live);
  });

  it('a model the user pins keeps its place', async () => {
    runtime = await start({ OPENROUTER_LARGE_MODEL: LAGUNA });
    expect(tiers().large[0]).toBe(LAGUNA);
    await runtime.useModel(ModelType.TEXT_LARGE, { prompt: 'Write a function that adds two numbers' });
    expect(sim.stats().calls.map((c) => c.model)).toEqual([LAGUNA]);
  });
});
