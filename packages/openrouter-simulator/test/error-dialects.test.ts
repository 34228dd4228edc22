import { afterEach, describe, expect, it } from 'vitest';
import { ERROR_DIALECTS, startSimulator, type ErrorDialect, type FailureKind, type Simulator } from '@freepool/openrouter-simulator';
import { SMALL, VISION, chat } from './helpers.js';

let sim: Simulator | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

/** Every error kind that has a body, with the status it answers. */
const KINDS: Array<[FailureKind, number]> = [
  ['upstream_429', 429],
  ['shared_capacity_429', 429],
  ['capacity_exhausted', 429],
  ['overloaded', 429],
  ['minute_limit', 429],
  ['daily_limit', 429],
  ['unavailable', 503],
  ['server_error', 502],
  ['gone', 404],
  ['free_variant_ended', 404],
  ['deprecated', 404],
  ['privacy_restricted', 404],
  ['constraint_filtered', 404],
  ['moderation', 403],
  ['auth', 401],
  ['billing', 402],
  ['context_too_long', 400],
  ['request_refused', 400],
];

async function answer(dialect: ErrorDialect, kind: FailureKind) {
  sim = await startSimulator({ scenario: { errorDialect: dialect, models: { [SMALL]: { retryAfterSeconds: 6 } } } });
  sim.failNext(SMALL, kind);
  const r = await chat(sim.baseURL, { model: SMALL });
  await sim.close();
  sim = undefined;
  return r;
}

describe('errorDialect: one failure kind, three ways of saying it', () => {
  for (const [kind, status] of KINDS) {
    it(`${kind}: the same status in every dialect, in words that differ from one dialect to the next`, async () => {
      const messages = new Set<string>();
      for (const dialect of ERROR_DIALECTS) {
        const r = await answer(dialect, kind);
        expect(r.status, dialect).toBe(status);
        messages.add(`${r.json.error.message} ${r.json.error.metadata?.raw ?? ''}`);
      }
      expect(messages.size).toBe(ERROR_DIALECTS.length);
    });
  }

  it('a scenario with an unknown dialect is refused by name', async () => {
    await expect(startSimulator({ scenario: { errorDialect: 'klingon' as never } })).rejects.toThrow(/errorDialect/);
  });
});

describe('the structured dialect carries the documented fields; terse puts them in their other places', () => {
  it('availability codes: on the error object (structured) or in metadata (terse), with the stated wait', async () => {
    for (const [kind, code] of [
      ['unavailable', 'temporarily_unavailable'],
      ['capacity_exhausted', 'capacity_exhausted'],
      ['free_variant_ended', 'free_variant_ended'],
      ['deprecated', 'model_deprecated'],
      ['gone', 'no_endpoints'],
      ['privacy_restricted', 'privacy_restricted'],
      ['constraint_filtered', 'constraint_filtered'],
    ] as const) {
      const structured = (await answer('structured', kind)).json.error;
      expect(structured.availability.code, kind).toBe(code);
      const terse = (await answer('terse', kind)).json.error;
      expect(terse.metadata.availability.code, kind).toBe(code);
      expect(terse.availability, kind).toBeUndefined();
      if (kind === 'unavailable' || kind === 'capacity_exhausted') {
        expect(structured.availability).toMatchObject({ retryable: true, retry_after: 6 });
      }
    }
  });

  it('limit_source, retry_after_seconds and provider_error_code in metadata; the wait as Retry-After in each other dialect', async () => {
    const upstream = await answer('structured', 'upstream_429');
    expect(upstream.json.error.metadata).toMatchObject({ limit_source: 'upstream_provider_shared_pool', retry_after_seconds: 6 });
    expect(upstream.headers.get('retry-after')).toBeNull();
    expect((await answer('captured', 'upstream_429')).headers.get('retry-after')).toBe('6');
    expect((await answer('terse', 'upstream_429')).json.error.metadata.headers).toEqual({ 'Retry-After': '6' });
    expect((await answer('structured', 'overloaded')).json.error.metadata).toMatchObject({ provider_error_code: 'engine_overloaded', retry_after_seconds: 6 });
    expect((await answer('terse', 'overloaded')).json.error.metadata.provider_code).toBe('engine_overloaded');
    expect((await answer('structured', 'billing')).json.error.metadata.limit_source).toBe('openrouter_credits');
  });

  it("the account's limits: limit_source and the X-RateLimit headers in every dialect but the captured one's words", async () => {
    for (const dialect of ['structured', 'terse'] as const) {
      const minute = await answer(dialect, 'minute_limit');
      expect(minute.json.error.metadata.limit_source).toBe('openrouter_free_tier_per_minute');
      expect(minute.json.error.message).not.toContain('free-models-per-min');
      expect(minute.headers.get('x-ratelimit-remaining')).toBe('0');
      const day = await answer(dialect, 'daily_limit');
      expect(day.json.error.metadata.limit_source).toBe('openrouter_free_tier_daily');
      expect(day.json.error.message).not.toContain('free-models-per-day');
      expect(Number(day.headers.get('x-ratelimit-reset')) % 86_400_000).toBe(0);
    }
  });
});

describe('an image the provider cannot fetch, in each dialect', () => {
  it('a private-network URL is refused without being fetched, naming the URL (captured: the reason in metadata)', async () => {
    const url = 'http://192.168.1.20/cat.png';
    const seen: string[] = [];
    for (const dialect of ERROR_DIALECTS) {
      sim = await startSimulator({ scenario: { errorDialect: dialect } });
      const r = await chat(sim.baseURL, { model: VISION, messages: [{ role: 'user', content: [{ type: 'text', text: 'what is it' }, { type: 'image_url', image_url: { url } }] }] });
      expect(r.status).toBe(400);
      expect(sim.stats().calls.map((c) => c.kind)).toEqual(['bad_image']);
      seen.push(r.text);
      await sim.close();
      sim = undefined;
    }
    expect(JSON.parse(seen[0]!).error).toMatchObject({ message: 'Failed to fetch image', metadata: { reason: 'the address is on a private network' } });
    expect(seen[1]).toContain(url);
    expect(seen[2]).toContain(url);
  });
});
