import { describe, expect, it } from 'vitest';
import { isFreeModel, parseCatalog, whyNotFree } from '@freepool/free-model-pool';
import { entry } from './helpers.js';

const NOW = Date.parse('2026-05-01T12:00:00Z');
const one = (e: Record<string, unknown>) => parseCatalog({ data: [e] }).models[0]!;

describe('isFreeModel', () => {
  it('accepts a :free id whose prompt, completion and request prices are zero', () => {
    expect(isFreeModel(one(entry('google/gemma-3-27b-it:free')), NOW)).toBe(true);
    // numbers, not strings: "0.0" and "0.000" are zero too
    expect(isFreeModel(one(entry('a/b:free', { pricing: { prompt: '0.0', completion: '0.000', request: '0' } })), NOW)).toBe(true);
  });

  const traps: Array<[string, Record<string, unknown>, RegExp]> = [
    ['a router with "-1" prices', entry('openrouter/auto', { pricing: { prompt: '-1', completion: '-1' } }), /router/i],
    ['the free router', entry('openrouter/free', { architecture: { input_modalities: ['text'], output_modalities: ['text'], tokenizer: 'Router' } }), /router/i],
    ['a zero-priced stealth model', entry('openrouter/owl-alpha'), /router or stealth/],
    ['a tokenizer Router entry even with :free', entry('acme/route:free', { architecture: { input_modalities: ['text'], output_modalities: ['text'], tokenizer: 'Router' } }), /router/],
    ['a ~ alias', entry('~openai/gpt-latest', { pricing: { prompt: '0', completion: '0' } }), /alias/],
    ['a zero-priced id without :free', entry('qwen/qwen3-vl-30b-a3b-thinking'), /no :free suffix/],
    ['a :free id with a request price', entry('arcee-ai/trinity-mini:free', { pricing: { prompt: '0', completion: '0', request: '0.0001' } }), /not zero-priced/],
    ['a :free id with a negative price', entry('x/neg:free', { pricing: { prompt: '-1', completion: '0' } }), /not zero-priced/],
    ['an expired :free id', entry('upstage/solar-pro-3:free', { expiration_date: '2026-03-22' }), /expired on 2026-03-22/],
    ['an image generator', entry('x/painter:free', { architecture: { input_modalities: ['text'], output_modalities: ['image'] } }), /does not produce text/],
  ];
  for (const [label, e, why] of traps) {
    it(`rejects ${label}`, () => {
      const m = one(e);
      expect(isFreeModel(m, NOW)).toBe(false);
      expect(whyNotFree(m, NOW)).toMatch(why);
    });
  }

  it('judges expiration against the injected now: gone from the UTC start of the expiration day', () => {
    const m = one(entry('inclusionai/ling-2.6-1t:free', { expiration_date: '2026-05-07' }));
    expect(isFreeModel(m, Date.parse('2026-05-06T23:59:59Z'))).toBe(true);
    expect(isFreeModel(m, Date.parse('2026-05-07T00:00:00Z'))).toBe(false);
    expect(isFreeModel(m, new Date('2026-06-01'))).toBe(false);
  });
});
