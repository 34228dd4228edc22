import { describe, expect, it } from 'vitest';
import { CatalogError, parseCatalog, parseCatalogText } from '@freepool/free-model-pool';
import { entry } from './helpers.js';

describe('parseCatalog: entry by entry', () => {
  it('skips malformed entries with a warning that names them, and keeps the rest', () => {
    const { models, warnings } = parseCatalog({
      data: [
        entry('good/one:free'),
        { name: 'no id at all', pricing: { prompt: '0', completion: '0' } },
        entry('bad/price:free', { pricing: { prompt: { amount: 0 }, completion: '0' } }),
        entry('bad/number:free', { pricing: { prompt: 'zero', completion: '0' } }),
        entry('bad/ctx:free', { context_length: '32768' }),
        entry('bad/arch:free', { architecture: 'text->text' }),
        entry('bad/expiry:free', { expiration_date: 'soon' }),
        'just a string',
        entry('good/two:free'),
      ],
    });
    expect(models.map((m) => m.id)).toEqual(['good/one:free', 'good/two:free']);
    expect(warnings).toHaveLength(7);
    expect(warnings[0]).toMatch(/#1\b.*id/);
    expect(warnings[1]).toMatch(/"bad\/price:free".*pricing\.prompt/);
    expect(warnings[2]).toMatch(/"bad\/number:free".*numeric price.*"zero"/);
    expect(warnings[3]).toMatch(/"bad\/ctx:free".*context_length/);
    expect(warnings[4]).toMatch(/"bad\/arch:free".*architecture/);
    expect(warnings[5]).toMatch(/"bad\/expiry:free".*expiration_date/);
    expect(warnings[6]).toMatch(/#7/);
  });

  it('skips a duplicate id, keeping the first', () => {
    const { models, warnings } = parseCatalog({ data: [entry('a/b:free', { name: 'first' }), entry('a/b:free', { name: 'second' })] });
    expect(models.map((m) => m.name)).toEqual(['first']);
    expect(warnings[0]).toMatch(/"a\/b:free".*duplicate/);
  });

  it('turns price strings into numbers and fills absent optional fields', () => {
    const { models } = parseCatalog({
      data: [
        entry('x/y:free', {
          pricing: { prompt: '0.0', completion: '0', request: '0.0000' },
          context_length: null,
          top_provider: { context_length: 4096, max_completion_tokens: 2048 },
          supported_parameters: null,
        }),
      ],
    });
    expect(models[0]).toMatchObject({
      pricing: { prompt: 0, completion: 0, request: 0 },
      contextLength: 4096,
      maxCompletionTokens: 2048,
      supportedParameters: [],
    });
  });

  it('reads old catalogs that only have architecture.modality', () => {
    const { models } = parseCatalog({ data: [entry('old/vl:free', { architecture: { modality: 'text+image->text', tokenizer: 'Other' } })] });
    expect(models[0]!.inputModalities).toEqual(['text', 'image']);
    expect(models[0]!.outputModalities).toEqual(['text']);
  });

  it('accepts the bare array some archives store', () => {
    expect(parseCatalog([entry('a/b:free')]).models).toHaveLength(1);
  });
});

describe('parseCatalog: not a catalog at all', () => {
  const cases: Array<[string, unknown, RegExp]> = [
    ['an HTML page', '<!DOCTYPE html><html><body>Cloudflare: checking your browser</body></html>', /not JSON: got HTML.*<!DOCTYPE html><html><body>Cloudflare/],
    ['invalid JSON', '{"data": [ {"id": ', /not JSON: got invalid JSON: "\{"data": \[ \{"id":/],
    ['an empty body', '', /not JSON: got an empty body/],
    ['an empty object', {}, /expected an object with a "data" array.*got an empty object/],
    ['an array of numbers', [1, 2, 3], /expected model objects.*an array of numbers: \[1,2,3\]/],
    ['data of numbers', { data: [1, 2] }, /expected model objects.*an array of numbers/],
    ['null', null, /got null/],
    ['data that is a string', { data: 'nope' }, /got an object with keys data/],
  ];
  for (const [label, input, message] of cases) {
    it(`throws CatalogError for ${label}, saying what came back`, () => {
      let error: unknown;
      try {
        parseCatalog(input, { source: 'https://example.test/api/v1/models' });
      } catch (e) {
        error = e;
      }
      expect(CatalogError.isInstance(error)).toBe(true);
      expect((error as Error).message).toMatch(message);
      expect((error as Error).message).toContain('https://example.test/api/v1/models');
    });
  }

  it('quotes only the first bytes, and never a key', () => {
    const html = `<html>${'x'.repeat(50)} Authorization: Bearer sk-or-v1-FAKE-test-key-0000 ${'y'.repeat(5000)}</html>`;
    let message = '';
    try {
      parseCatalogText(html);
    } catch (e) {
      message = (e as Error).message;
      expect((e as CatalogError).snippet!.length).toBeLessThanOrEqual(121);
    }
    expect(message).toMatch(/not JSON/);
    expect(message).not.toContain('sk-or-v1-FAKE-test-key-0000');
    expect(message.length).toBeLessThan(400);
  });

  it('an empty data array is a catalog with no models', () => {
    expect(parseCatalog({ data: [] })).toEqual({ models: [], warnings: [] });
  });
});
