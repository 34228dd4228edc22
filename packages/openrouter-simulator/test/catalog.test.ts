import { existsSync, readdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '@freepool/openrouter-simulator';
import { LARGE, SMALL, VISION, chat } from './helpers.js';

let sim: Simulator | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

/** Ids other packages rely on (documented in the README). */
const STABLE_IDS = [
  'meta-llama/llama-3.2-3b-instruct:free',
  'google/gemma-3-27b-it:free',
  'google/gemma-3-12b-it:free',
  'google/gemma-3-4b-it:free',
  'meta-llama/llama-3.3-70b-instruct:free',
  'nousresearch/hermes-3-llama-3.1-405b:free',
  'openai/gpt-oss-120b:free',
  'qwen/qwen3-next-80b-a3b-instruct:free',
  'google/gemma-3n-e4b-it:free',
  'liquid/lfm-2.5-1.2b-instruct:free',
  'nvidia/nemotron-nano-9b-v2:free',
  'nvidia/nemotron-3-nano-30b-a3b:free',
  'mistralai/mistral-small-3.1-24b-instruct:free',
  'openrouter/free',
  'openrouter/auto',
  '~openai/gpt-latest',
  'openai/gpt-4o-mini',
  'qwen/qwen3-vl-30b-a3b-thinking',
  'upstage/solar-pro-3:free',
  'arcee-ai/trinity-mini:free',
];

describe('our catalog fixture', () => {
  it('has the documented ids and the real traps', async () => {
    sim = await startSimulator();
    const data = sim.catalog().data as any[];
    const byId = new Map(data.map((m) => [m.id, m]));
    for (const id of STABLE_IDS) expect(byId.has(id), id).toBe(true);
    expect(byId.get('openrouter/auto').pricing.prompt).toBe('-1');
    expect(byId.get('openrouter/free').architecture.tokenizer).toBe('Router');
    expect(byId.get('qwen/qwen3-vl-30b-a3b-thinking').pricing).toEqual({ prompt: '0', completion: '0' });
    expect(Number(byId.get('arcee-ai/trinity-mini:free').pricing.request)).toBeGreaterThan(0);
    expect(byId.get('upstage/solar-pro-3:free').expiration_date < '2026-11-01').toBe(true);
    expect(byId.get(VISION).supported_parameters).toEqual(expect.arrayContaining(['structured_outputs', 'response_format']));
    expect(byId.get('openai/gpt-oss-120b:free').supported_parameters).toEqual(expect.arrayContaining(['structured_outputs', 'response_format']));
    expect(byId.get(VISION).architecture.input_modalities).toContain('image');
    expect(byId.get(SMALL).architecture.input_modalities).toEqual(['text']);
    for (const m of data) {
      expect(m).toMatchObject({ id: expect.any(String), name: expect.any(String), created: expect.any(Number), pricing: { prompt: expect.any(String), completion: expect.any(String) } });
    }
  });
});

const repoRoot = resolve(fileURLToPath(new URL('../../..', import.meta.url)));
const snapshotDir = resolve(repoRoot, '../shared/fixtures/openrouter-catalog');
const snapshots = existsSync(snapshotDir) ? readdirSync(snapshotDir).filter((f) => f.endsWith('.json')) : [];
if (snapshots.length === 0) console.warn(`[openrouter-simulator] real catalog snapshots not found at ${snapshotDir}; skipping`);

describe.skipIf(snapshots.length === 0)('real catalog snapshots', () => {
  it.each(snapshots)('serves %s and answers one of its :free models', async (file) => {
    sim = await startSimulator({ catalog: resolve(snapshotDir, file), now: () => Date.UTC(2025, 0, 1) });
    const data = sim.catalog().data as Array<{ id: string }>;
    const free = data.find((m) => m.id.endsWith(':free'))!;
    const listed = (await (await fetch(`${sim.baseURL}/models`)).json()) as { data: unknown[] };
    expect(listed.data).toHaveLength(data.length);
    const r = await chat(sim.baseURL, { model: free.id });
    expect(r.status).toBe(200);
    expect(r.json.model).toBe(free.id);
    expect((await chat(sim.baseURL, { model: LARGE.replace('llama', 'nonexistent') })).status).toBe(400);
  });
});
