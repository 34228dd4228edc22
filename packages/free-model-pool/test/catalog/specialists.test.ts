import { beforeAll, describe, expect, it } from 'vitest';
import { buildPools, derivePoolFromCatalog, loadDefaultPools, parseCatalog, recogniseSpecialist, TIERS, type CatalogModel, type PoolFile } from '@freepool/free-model-pool';
import { entry, readJson, SHARED_DIR, SNAPSHOTS, snapshotDate, snapshotsPresent } from './helpers.js';

const one = (e: Record<string, unknown>) => parseCatalog({ data: [e] }).models[0]!;
const kindOf = (id: string, over: Record<string, unknown> = {}) => recogniseSpecialist(one(entry(id, over)))?.specialty;

describe('recognising single-purpose models from the catalog', () => {
  it('reads a specialist word from the id or the name, not from the vendor', () => {
    expect(kindOf('qwen/qwen3-coder:free')).toBe('code');
    expect(kindOf('agentica-org/deepcoder-14b-preview:free')).toBe('code');
    expect(kindOf('deepseek/deepseek-prover-v2:free')).toBe('math');
    expect(kindOf('x/some-model:free', { name: 'Baidu: Qianfan-OCR-Fast (free)' })).toBe('ocr');
    expect(kindOf('meta-llama/llama-guard-4-12b')).toBe('guard');
    expect(kindOf('arliai/qwq-32b-arliai-rpr-v1:free')).toBe('roleplay');
    expect(kindOf('perplexity/sonar-pro')).toBe('search');
    // A vendor named like a specialist says nothing about the model.
    expect(kindOf('coder/chat-70b:free', { name: 'Coder: Chat 70B' })).toBeUndefined();
    // Words, not substrings: an encoder is not a coder.
    expect(kindOf('a/text-encoder-1b:free')).toBeUndefined();
  });

  it('reads the description only in its first sentence, which says what the model is', () => {
    const laguna = 'Laguna M.1 is the flagship coding agent model from [Poolside](https://poolside.ai), optimized for complex software engineering tasks. Designed for agentic coding workflows.';
    expect(recogniseSpecialist(one(entry('poolside/laguna-m.1:free', { description: laguna })))).toEqual({ specialty: 'code', because: 'description: "coding agent"' });
    // General models list what they are also good at after the first sentence.
    const next = 'Qwen3-Next-80B-A3B-Instruct is an instruction-tuned chat model in the Qwen3-Next series. It targets complex tasks across reasoning, code generation model use, and OCR.';
    expect(kindOf('qwen/qwen3-next-80b-a3b-instruct:free', { description: next })).toBeUndefined();
    const hermes = 'Hermes 3 is a generalist language model with many improvements over Hermes 2, including much better roleplaying, reasoning, multi-turn conversation.';
    expect(kindOf('nousresearch/hermes-3-llama-3.1-405b:free', { description: hermes })).toBeUndefined();
  });

  it('counts a model that generates images or audio as a specialist (architecture)', () => {
    const arch = { input_modalities: ['text', 'image'], output_modalities: ['image', 'text'] };
    expect(recogniseSpecialist(one(entry('google/gemini-2.5-flash-image', { architecture: arch })))).toEqual({ specialty: 'media', because: 'outputs "image"' });
  });

  it('a missing or odd description does not cost the entry', () => {
    const { models, warnings } = parseCatalog({ data: [entry('a/m-8b:free', { description: 42 }), entry('b/m-8b:free')] });
    expect(warnings).toEqual([]);
    expect(models.map((m) => m.description)).toEqual([undefined, undefined]);
  });
});

describe.skipIf(!snapshotsPresent)('specialists in the real catalog snapshots', () => {
  for (const name of SNAPSHOTS) {
    describe(name, () => {
      let models: CatalogModel[] = [];
      let file: PoolFile;
      beforeAll(() => {
        ({ models } = parseCatalog(readJson(`${SHARED_DIR}/${name}`)));
        file = buildPools(models, { now: snapshotDate(name), source: name });
      });
      const isSpecialist = (id: string) => file.models.find((e) => e.id === id)!.specialty !== undefined;

      it('the first three models of the small and large pools are general models', () => {
        for (const tier of ['small', 'large'] as const) {
          const top = file.pools[tier].slice(0, 3);
          expect(top, tier).toHaveLength(3);
          for (const id of top) expect(isSpecialist(id), `${tier}: ${id}`).toBe(false);
        }
      });

      it('every specialist in a tier comes after every general model of that tier', () => {
        for (const tier of TIERS) {
          const ids = file.pools[tier];
          const lastGeneral = ids.findLastIndex((id) => !isSpecialist(id));
          const firstSpecialist = ids.findIndex(isSpecialist);
          if (firstSpecialist >= 0) expect(firstSpecialist, `${tier}: ${ids.join(', ')}`).toBeGreaterThan(lastGeneral);
        }
      });

      it('removes no free model: each one is still in exactly one of small and large', () => {
        const pooled = [...file.pools.small, ...file.pools.large].sort();
        expect(pooled).toEqual(file.models.map((e) => e.id).sort());
      });

      it('marks a specialist exactly when the rule recognises its catalog entry', () => {
        const byId = new Map(models.map((m) => [m.id, m]));
        for (const e of file.models) expect(e.specialty, e.id).toBe(recogniseSpecialist(byId.get(e.id)!)?.specialty);
      });
    });
  }

  it('2026-05-01: the coding models sit behind gpt-oss-120b and gemma-4-31b; the OCR model is last for images', () => {
    const name = 'models-2026-05-01.json';
    const { models } = parseCatalog(readJson(`${SHARED_DIR}/${name}`));
    const { pools } = buildPools(models, { now: snapshotDate(name) });
    const at = (id: string) => pools.large.indexOf(id);
    for (const coder of ['qwen/qwen3-coder:free', 'poolside/laguna-m.1:free']) {
      expect(at(coder), coder).toBeGreaterThan(at('openai/gpt-oss-120b:free'));
      expect(at(coder), coder).toBeGreaterThan(at('google/gemma-4-31b-it:free'));
    }
    expect(pools.small.indexOf('poolside/laguna-xs.2:free')).toBeGreaterThan(pools.small.indexOf('liquid/lfm-2.5-1.2b-thinking:free'));
    expect(pools.vision.at(-1)).toBe('baidu/qianfan-ocr-fast:free');
    expect(pools.vision).toHaveLength(8); // kept: a busy day still needs it
  });

  it('2025-05-23: the theorem prover is not among the large pool\'s first ten', () => {
    const name = 'models-2025-05-23.json';
    const { models } = parseCatalog(readJson(`${SHARED_DIR}/${name}`));
    const { pools } = buildPools(models, { now: snapshotDate(name) });
    expect(pools.large).toContain('deepseek/deepseek-prover-v2:free');
    expect(pools.large.slice(0, 10)).not.toContain('deepseek/deepseek-prover-v2:free');
  });
});

describe.skipIf(!snapshotsPresent)('a specialist the user wants, and a model the user pins', () => {
  const name = 'models-2026-05-01.json';
  const now = Date.parse('2026-11-01');
  let json: unknown;
  beforeAll(() => {
    json = readJson(`${SHARED_DIR}/${name}`);
  });

  it('allowSpecialists: the allowed kind ranks by its score among the general models; the others stay behind', () => {
    const plain = derivePoolFromCatalog(json, { now });
    const code = derivePoolFromCatalog(json, { now, allowSpecialists: ['code'] });
    const everything = buildPools(parseCatalog(json).models, { now, allowSpecialists: ['code', 'ocr'] });
    // 480B A35B, scored 38.24: second after Hermes 3 once coding models are welcome.
    expect(plain.tiers.large[1]).not.toBe('qwen/qwen3-coder:free');
    expect(code.tiers.large[1]).toBe('qwen/qwen3-coder:free');
    expect(code.tiers.vision.at(-1)).toBe('baidu/qianfan-ocr-fast:free');
    // With every kind allowed, the order is the score alone.
    const score = new Map(everything.models.map((e) => [e.id, e.score]));
    for (const t of TIERS) {
      const scores = everything.pools[t].map((id) => score.get(id)!);
      expect([...scores].sort((a, b) => b - a), t).toEqual(scores);
    }
    // Only the order changes, never the members.
    for (const t of TIERS) expect([...code.tiers[t]].sort()).toEqual([...plain.tiers[t]].sort());
  });

  it('a pinned specialist keeps its place', () => {
    const pool = derivePoolFromCatalog(json, { now, pinned: { large: ['poolside/laguna-m.1:free', 'nousresearch/hermes-3-llama-3.1-405b:free'] } });
    expect(pool.tiers.large.slice(0, 2)).toEqual(['poolside/laguna-m.1:free', 'nousresearch/hermes-3-llama-3.1-405b:free']);
    expect(pool.tiers.large.at(-1)).toBe('qwen/qwen3-coder:free');
  });

  it('the committed default, re-ranked for allowSpecialists without a catalog, matches the live derivation', () => {
    for (const allow of [['code'], ['ocr'], ['code', 'ocr']] as const) {
      expect(loadDefaultPools({ allowSpecialists: allow }).tiers, allow.join(',')).toEqual(derivePoolFromCatalog(json, { now, allowSpecialists: allow }).tiers);
    }
    expect(loadDefaultPools().tiers).toEqual(derivePoolFromCatalog(json, { now }).tiers);
  });
});
