import { beforeAll, describe, expect, it } from 'vitest';
import { buildPools, parseCatalog, serializePoolFile, TIERS, type CatalogModel, type PoolFile } from '@freepool/free-model-pool';
import { readJson, SHARED_DIR, SIMULATOR_CATALOG, SNAPSHOTS, snapshotDate, snapshotsPresent } from './helpers.js';

/** What must hold for any catalog: the traps never land in a pool. */
function expectSanePools(file: PoolFile, catalog: CatalogModel[], now: number) {
  const byId = new Map(catalog.map((m) => [m.id, m]));
  const pooled = new Set(TIERS.flatMap((t) => file.pools[t]));
  expect(file.models.length).toBeGreaterThan(0);
  for (const id of pooled) {
    const m = byId.get(id)!;
    expect(m, id).toBeDefined();
    expect(id.endsWith(':free'), `${id} has :free`).toBe(true);
    expect(id.startsWith('~'), `${id} is no alias`).toBe(false);
    expect(id.startsWith('openrouter/'), `${id} is no router`).toBe(false);
    expect(m.tokenizer, `${id} is no router`).not.toBe('Router');
    expect([m.pricing.prompt, m.pricing.completion, m.pricing.request], `${id} costs nothing`).toEqual([0, 0, 0]);
    if (m.expirationDate) expect(Date.parse(m.expirationDate), `${id} has not expired`).toBeGreaterThan(now);
    expect(file.models.some((e) => e.id === id), `${id} has a model entry`).toBe(true);
  }
  for (const id of file.pools.vision) expect(byId.get(id)!.inputModalities, `${id} takes images`).toContain('image');
  // every free model sits in exactly one of small / large
  for (const e of file.models) {
    expect(file.pools.small.includes(e.id) !== file.pools.large.includes(e.id), `${e.id} in one size tier`).toBe(true);
  }
  // ordered by score within each tier: general models first, then the specialists (specialists.test.ts)
  const byEntry = new Map(file.models.map((e) => [e.id, e]));
  for (const t of TIERS) {
    for (const specialists of [false, true]) {
      const scores = file.pools[t].filter((id) => (byEntry.get(id)!.specialty !== undefined) === specialists).map((id) => byEntry.get(id)!.score);
      expect([...scores].sort((a, b) => b - a), `${t}, ${specialists ? 'specialists' : 'general'}`).toEqual(scores);
    }
  }
}

describe.skipIf(!snapshotsPresent)('discovery over the real catalog snapshots', () => {
  for (const name of SNAPSHOTS) {
    describe(name, () => {
      const now = snapshotDate(name);
      // Read in beforeAll, not at collection: a skipped describe still runs its body, and the
      // snapshots are absent on a user's machine.
      let models: CatalogModel[] = [];
      let warnings: string[] = [];
      let file: PoolFile;
      beforeAll(() => {
        ({ models, warnings } = parseCatalog(readJson(`${SHARED_DIR}/${name}`)));
        file = buildPools(models, { now, source: name });
      });

      it('parses every entry without warnings', () => {
        expect(warnings).toEqual([]);
        expect(models.length).toBeGreaterThan(300);
      });

      it('keeps routers, paid models, ~ aliases and expired models out of every pool', () => {
        expectSanePools(file, models, now);
      });

      it('is byte-identical when built twice', () => {
        expect(serializePoolFile(buildPools(models, { now, source: name }))).toBe(serializePoolFile(file));
      });
    });
  }

  it('2026-05-01: 405B is LARGE, the 1.2B models are SMALL, zero-priced non-:free ids and routers are out', () => {
    const name = 'models-2026-05-01.json';
    const { models } = parseCatalog(readJson(`${SHARED_DIR}/${name}`));
    const file = buildPools(models, { now: snapshotDate(name) });
    expect(file.models).toHaveLength(29);
    expect(file.pools.large).toContain('nousresearch/hermes-3-llama-3.1-405b:free');
    expect(file.pools.large).toContain('qwen/qwen3-coder:free');
    expect(file.pools.small).toContain('liquid/lfm-2.5-1.2b-instruct:free');
    expect(file.pools.large).not.toContain('liquid/lfm-2.5-1.2b-instruct:free');
    expect(file.pools.vision).toEqual(expect.arrayContaining(['google/gemma-3-27b-it:free', 'nvidia/nemotron-nano-12b-v2-vl:free']));
    const all = file.models.map((e) => e.id);
    for (const trap of ['openrouter/free', 'openrouter/owl-alpha', 'openrouter/auto', 'google/lyria-3-pro-preview', '~openai/gpt-latest']) {
      expect(all).not.toContain(trap);
    }
  });

  it('2026-05-01 a week later: the models that expired leave the pools', () => {
    const name = 'models-2026-05-01.json';
    const { models } = parseCatalog(readJson(`${SHARED_DIR}/${name}`));
    const ids = buildPools(models, { now: Date.parse('2026-05-09') }).models.map((e) => e.id);
    expect(ids).not.toContain('inclusionai/ling-2.6-1t:free');
    expect(ids).not.toContain('tencent/hy3-preview:free');
    expect(ids).toHaveLength(27);
  });

  it('2026-02-27: the promotional zero-priced qwen3-vl thinking models are not free', () => {
    const name = 'models-2026-02-27.json';
    const { models } = parseCatalog(readJson(`${SHARED_DIR}/${name}`));
    const file = buildPools(models, { now: snapshotDate(name) });
    expect(file.models.map((e) => e.id)).not.toContain('qwen/qwen3-vl-30b-a3b-thinking');
    expect(file.models).toHaveLength(25);
  });
});

describe('discovery over the simulator fixture catalog (trap-laden)', () => {
  const now = Date.parse('2026-03-01T00:00:00Z');
  const { models, warnings } = parseCatalog(readJson(SIMULATOR_CATALOG));
  const file = buildPools(models, { now, source: 'catalog.json' });

  it('parses and keeps the traps out', () => {
    expect(warnings).toEqual([]);
    expectSanePools(file, models, now);
    const ids = file.models.map((e) => e.id);
    expect(ids).not.toContain('arcee-ai/trinity-mini:free'); // request price
    expect(ids).not.toContain('qwen/qwen3-vl-30b-a3b-thinking'); // zero-priced without :free
    expect(ids).not.toContain('openrouter/free');
    expect(ids).not.toContain('~openai/gpt-latest');
    expect(ids).toContain('upstage/solar-pro-3:free'); // expires 2026-03-22, still free on 2026-03-01
    expect(buildPools(models, { now: Date.parse('2026-03-22') }).models.map((e) => e.id)).not.toContain('upstage/solar-pro-3:free');
  });

  it('sizes as expected', () => {
    expect(file.pools.large).toContain('nousresearch/hermes-3-llama-3.1-405b:free');
    expect(file.pools.small).toContain('liquid/lfm-2.5-1.2b-instruct:free');
    expect(file.pools.large).not.toContain('liquid/lfm-2.5-1.2b-instruct:free');
  });
});
