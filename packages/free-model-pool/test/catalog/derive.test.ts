import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildPools,
  CatalogError,
  classifyModel,
  derivePoolFromCatalog,
  fetchCatalog,
  isFreeModel,
  loadDefaultPools,
  parseCatalog,
  TIERS,
} from '@freepool/free-model-pool';
import { startSimulator, type Simulator } from '@freepool/openrouter-simulator';
import { entry, readJson, SHARED_DIR, snapshotsPresent } from './helpers.js';

const NOW = Date.parse('2026-05-01T00:00:00Z');
const vision = { architecture: { input_modalities: ['text', 'image'], output_modalities: ['text'] } };
const catalog = {
  data: [
    entry('big/model-405b:free', { context_length: 131_072 }),
    entry('small/model-8b:free'),
    entry('small/model-3b:free'),
    entry('see/vl-12b:free', vision),
    entry('gone/soon-70b:free', { expiration_date: '2026-04-01' }),
    entry('paid/model-70b', { pricing: { prompt: '0.000001', completion: '0.000002' } }),
  ],
};

describe('derivePoolFromCatalog (self-healing at start)', () => {
  it('derives the tiers with the discovery classifier', () => {
    const pool = derivePoolFromCatalog(catalog, { now: NOW });
    expect(pool.tiers).toEqual({
      small: ['see/vl-12b:free', 'small/model-8b:free', 'small/model-3b:free'],
      large: ['big/model-405b:free'],
      vision: ['see/vl-12b:free'],
    });
    expect(Object.keys(pool.models).sort()).toEqual(['big/model-405b:free', 'see/vl-12b:free', 'small/model-3b:free', 'small/model-8b:free']);
    expect(pool.models['see/vl-12b:free']).toMatchObject({ vision: true, contextLength: 32_768 });
  });

  it('keeps pinned ids first while they are free, and drops ids that are not', () => {
    const pool = derivePoolFromCatalog(catalog, {
      now: NOW,
      pinned: {
        small: ['small/model-3b:free', 'gone/soon-70b:free', 'retired/model:free', 'paid/model-70b'],
        vision: ['small/model-8b:free', 'see/vl-12b:free'],
      },
    });
    expect(pool.tiers.small).toEqual(['small/model-3b:free', 'see/vl-12b:free', 'small/model-8b:free']);
    expect(pool.tiers.vision).toEqual(['see/vl-12b:free']);
    expect(pool.dropped.sort()).toEqual(['gone/soon-70b:free', 'paid/model-70b', 'retired/model:free', 'small/model-8b:free']);
    expect(pool.warnings.join('\n')).toMatch(/gone\/soon-70b:free \(expired on 2026-04-01\)/);
    expect(pool.warnings.join('\n')).toMatch(/retired\/model:free \(not in the catalog\)/);
    expect(pool.warnings.join('\n')).toMatch(/vision: dropped small\/model-8b:free \(no image input\)/);
  });

  it('with exclusive, a pinned tier holds only its pinned ids', () => {
    const pool = derivePoolFromCatalog(catalog, { now: NOW, exclusive: true, pinned: { small: ['small/model-3b:free'] } });
    expect(pool.tiers.small).toEqual(['small/model-3b:free']);
    expect(pool.tiers.large).toEqual(['big/model-405b:free']);
  });

  it('throws CatalogError when the live answer is not a catalog', () => {
    expect(() => derivePoolFromCatalog('<html>maintenance</html>', { now: NOW })).toThrow(CatalogError);
  });
});

describe('loadDefaultPools (the committed default-pools.json)', () => {
  const pools = loadDefaultPools();

  it('is a valid pool definition with small, large and vision tiers', () => {
    for (const t of TIERS) {
      expect(pools.tiers[t].length, t).toBeGreaterThan(0);
      for (const id of pools.tiers[t]) expect(pools.models[id], id).toBeDefined();
    }
    for (const id of pools.tiers.vision) expect(pools.models[id]!.vision).toBe(true);
  });

  it('returns a fresh copy each time', () => {
    loadDefaultPools().tiers.small.push('mutated');
    expect(loadDefaultPools().tiers.small).not.toContain('mutated');
  });

  it.skipIf(!snapshotsPresent)('matches the newest snapshot: every id free there, tier membership as classified', () => {
    const { models } = parseCatalog(readJson(`${SHARED_DIR}/models-2026-05-01.json`));
    const byId = new Map(models.map((m) => [m.id, m]));
    for (const t of TIERS) {
      for (const id of pools.tiers[t]) {
        const m = byId.get(id)!;
        expect(m, id).toBeDefined();
        expect(isFreeModel(m, Date.parse('2026-05-01')), id).toBe(true);
        expect(classifyModel(m).tiers, id).toContain(t);
      }
    }
    // Same membership as a fresh build (the order may have been re-measured by pool:probe --update-pool).
    const fresh = buildPools(models, { now: Date.parse('2026-11-01') });
    for (const t of TIERS) expect([...pools.tiers[t]].sort(), t).toEqual([...fresh.pools[t]].sort());
  });
});

describe('fetchCatalog over HTTP', () => {
  let sim: Simulator;
  let junk: Server;
  let junkURL = '';
  beforeAll(async () => {
    sim = await startSimulator({ port: 0 });
    junk = createServer((req, res) => {
      if (req.url?.startsWith('/html')) {
        res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>Just a moment...</title>');
      } else if (req.url?.startsWith('/down')) {
        res.writeHead(503, { 'content-type': 'application/json' }).end('{"error":{"code":503,"message":"maintenance"}}');
      } else {
        res.writeHead(200, { 'content-type': 'application/json' }).end('[1,2,3]');
      }
    });
    await new Promise<void>((r) => junk.listen(0, '127.0.0.1', r));
    junkURL = `http://127.0.0.1:${(junk.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await sim.close();
    await new Promise((r) => junk.close(r));
  });

  it('reads the simulator catalog without a key', async () => {
    const json = await fetchCatalog(sim.baseURL, { signal: AbortSignal.timeout(5000) });
    const { models, warnings } = parseCatalog(json);
    expect(warnings).toEqual([]);
    expect(models.map((m) => m.id)).toContain('google/gemma-3-27b-it:free');
  });

  it('says what came back when it is not a catalog', async () => {
    await expect(fetchCatalog(`${junkURL}/html`)).rejects.toThrow(/not JSON: got HTML or XML: "<!doctype html><title>Just a moment/);
    await expect(fetchCatalog(`${junkURL}/down`)).rejects.toThrow(/answered HTTP 503: .*maintenance/);
    const numbers = await fetchCatalog(`${junkURL}/numbers`);
    expect(() => parseCatalog(numbers)).toThrow(/an array of numbers/);
  });

  it('names the URL when nothing answers', async () => {
    await expect(fetchCatalog('http://127.0.0.1:9/api/v1')).rejects.toThrow(/Could not reach the model catalog at http:\/\/127\.0\.0\.1:9\/api\/v1\/models/);
  });
});
