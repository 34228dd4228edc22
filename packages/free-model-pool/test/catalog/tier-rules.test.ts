import { describe, expect, it } from 'vitest';
import { classifyModel, parseCatalog } from '@freepool/free-model-pool';
import { CLASSIFY_RULES, effectiveSizeB, modelSize, readSize } from '@freepool/free-model-pool/internal';
import { entry } from './helpers.js';

const one = (e: Record<string, unknown>) => parseCatalog({ data: [e] }).models[0]!;

describe('model size from id and name', () => {
  it.each([
    ['meta-llama/llama-3.3-70b-instruct:free', 'Meta: Llama 3.3 70B Instruct (free)', 70, undefined],
    ['nousresearch/hermes-3-llama-3.1-405b:free', 'Nous: Hermes 3 405B Instruct (free)', 405, undefined],
    ['liquid/lfm-2.5-1.2b-instruct:free', 'LiquidAI: LFM2.5-1.2B-Instruct (free)', 1.2, undefined],
    ['google/gemma-3n-e4b-it:free', 'Google: Gemma 3n 4B (free)', 4, undefined],
    ['nvidia/nemotron-3-nano-30b-a3b:free', 'NVIDIA: Nemotron 3 Nano 30B A3B (free)', 30, 3],
    ['inclusionai/ling-2.6-1t:free', 'inclusionAI: Ling-2.6-1T (free)', 1000, undefined],
    ['qwen/qwen3-coder:free', 'Qwen: Qwen3 Coder 480B A35B (free)', 480, 35],
    ['mistralai/mixtral-8x7b-instruct', 'Mistral: Mixtral 8x7B Instruct', 56, undefined],
    ['z-ai/glm-4.5-air:free', 'Z.ai: GLM 4.5 Air (free)', undefined, undefined],
    ['moonshotai/kimi-vl-a3b-thinking:free', 'Moonshot AI: Kimi VL A3B Thinking (free)', undefined, 3],
  ])('%s → total %s, active %s', (id, name, total, active) => {
    const s = modelSize(id, name);
    expect(s.totalB).toBe(total);
    expect(s.activeB).toBe(active);
  });

  it('does not read version numbers as sizes', () => {
    expect(readSize('lfm-2.5-instruct')).toEqual({});
    expect(readSize('llama3.3-v2')).toEqual({});
  });

  it('counts a mixture of experts by the geometric mean of total and active parameters', () => {
    expect(effectiveSizeB({ totalB: 30, activeB: 3 })).toBeCloseTo(9.49, 1);
    expect(effectiveSizeB({ totalB: 120, activeB: 12 })).toBeCloseTo(37.95, 1);
    expect(effectiveSizeB({ totalB: 70 })).toBe(70);
  });
});

describe('classifyModel', () => {
  it('puts a 400B-class model in LARGE and a 1B model in SMALL', () => {
    expect(classifyModel(one(entry('nousresearch/hermes-3-llama-3.1-405b:free'))).tiers).toEqual(['large']);
    expect(classifyModel(one(entry('meta-llama/llama-3.2-1b-instruct:free'))).tiers).toEqual(['small']);
  });

  it('uses the threshold on dense-equivalent size', () => {
    expect(CLASSIFY_RULES.LARGE_MIN_PARAMS_B).toBe(30);
    expect(classifyModel(one(entry('google/gemma-3-27b-it:free'))).tiers).toEqual(['small']);
    expect(classifyModel(one(entry('google/gemma-4-31b-it:free'))).tiers).toEqual(['large']);
    expect(classifyModel(one(entry('nvidia/nemotron-3-nano-30b-a3b:free'))).tiers).toEqual(['small']);
    expect(classifyModel(one(entry('nvidia/nemotron-3-super-120b-a12b:free'))).tiers).toEqual(['large']);
  });

  it('decides an unknown size by a name word, then by context length', () => {
    const c = (id: string, ctx: number) => classifyModel(one(entry(id, { context_length: ctx })));
    expect(c('arcee-ai/trinity-large-preview:free', 8192)).toMatchObject({ tiers: ['large'], sizeBasis: 'name-hint' });
    expect(c('poolside/laguna-xs.2:free', 262_144)).toMatchObject({ tiers: ['small'], sizeBasis: 'name-hint' });
    expect(c('z-ai/glm-4.5-air:free', 131_072)).toMatchObject({ tiers: ['large'], sizeBasis: 'context' });
    expect(c('rekaai/reka-flash-3:free', 32_768)).toMatchObject({ tiers: ['small'], sizeBasis: 'context' });
  });

  it('adds VISION for image input, so a model can sit in two tiers', () => {
    const vl = one(entry('google/gemma-3-27b-it:free', { architecture: { input_modalities: ['text', 'image'], output_modalities: ['text'] } }));
    expect(classifyModel(vl).tiers).toEqual(['small', 'vision']);
  });

  it('scores bigger, newer, longer-context, JSON-capable models higher; reasoning and base variants lower', () => {
    const score = (id: string, over: Record<string, unknown> = {}) => classifyModel(one(entry(id, over))).score;
    expect(score('a/m-70b:free')).toBeGreaterThan(score('a/m-8b:free'));
    expect(score('a/m-8b:free', { context_length: 131_072 })).toBeGreaterThan(score('a/m-8b:free'));
    expect(score('a/m-8b:free', { created: 1_770_000_000 })).toBeGreaterThan(score('a/m-8b:free', { created: 1_700_000_000 }));
    expect(score('a/m-8b:free', { supported_parameters: ['structured_outputs'] })).toBeGreaterThan(
      score('a/m-8b:free', { supported_parameters: ['response_format'] }),
    );
    expect(score('a/m-8b-thinking:free')).toBeLessThan(score('a/m-8b:free'));
    expect(score('a/m-8b-base:free')).toBeLessThan(score('a/m-8b:free'));
  });

  it('is deterministic', () => {
    const m = one(entry('qwen/qwen3-next-80b-a3b-instruct:free'));
    expect(classifyModel(m)).toEqual(classifyModel(m));
  });
});
