import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { derivePoolFromCatalog, FreeModelPool, recogniseSpecialist, parseCatalog, type PoolDefinition } from '@freepool/free-model-pool';
import { startSimulator, type Simulator } from '@freepool/openrouter-simulator';
import { SHARED_DIR, snapshotsPresent } from '../catalog/helpers.js';
import { callsTo, FAKE_KEY, FAST_POLICY, PNG_DATA_URL, seededRandom } from './helpers.js';

const NEWEST = `${SHARED_DIR}/models-2026-05-01.json`;

/**
 * The pool as a new user gets it from the newest real snapshot, served by the simulator: when the
 * first model is rate limited, the next answer must still come from a general model.
 */
describe.skipIf(!snapshotsPresent)('specialists wait behind the general models when the pool is busy', () => {
  let sim: Simulator;
  let def: PoolDefinition;
  let isSpecialist: (id: string) => boolean;
  const newPool = () =>
    new FreeModelPool({
      connection: { apiKey: FAKE_KEY, baseURL: sim.baseURL },
      pool: def,
      // Room to walk a whole tier: every general vision model fails before the OCR one answers.
      policy: { ...FAST_POLICY, maxAttempts: 12, tierFallback: {} },
      random: seededRandom(),
    });

  beforeAll(async () => {
    sim = await startSimulator({ catalog: NEWEST, scenario: { seed: 7 }, port: 0 });
    def = derivePoolFromCatalog(sim.catalog(), { now: Date.now() });
    const byId = new Map(parseCatalog(sim.catalog()).models.map((m) => [m.id, m]));
    isSpecialist = (id) => recogniseSpecialist(byId.get(id)!) !== undefined;
  });
  afterAll(async () => {
    await sim?.close();
  });

  it('TEXT_LARGE: the first model answers 429, the second general model answers, no coding model is called', async () => {
    sim.resetStats();
    const first = def.tiers.large[0]!;
    sim.failNext(first, 'upstream_429');
    const r = await newPool().generateText({ tier: 'large', prompt: 'How was your weekend?' });
    expect(r.attempts.map((a) => [a.model, a.outcome])).toEqual([
      [first, 'failed'],
      [def.tiers.large[1], 'success'],
    ]);
    expect(isSpecialist(r.model), r.model).toBe(false);
    for (const coder of ['qwen/qwen3-coder:free', 'poolside/laguna-m.1:free']) expect(callsTo(sim, coder), coder).toBe(0);
  });

  it('IMAGE_DESCRIPTION: a general vision model describes the image; the OCR model answers only once every other is busy', async () => {
    sim.resetStats();
    const pool = newPool();
    const calm = await pool.describeImage({ tier: 'vision', prompt: 'Give this image a title and a description', imageUrl: PNG_DATA_URL });
    expect(isSpecialist(calm.model), calm.model).toBe(false);
    expect(callsTo(sim, 'baidu/qianfan-ocr-fast:free')).toBe(0);

    const general = def.tiers.vision.filter((id) => !isSpecialist(id));
    for (const id of general) sim.failNext(id, 'upstream_429');
    const busy = await newPool().describeImage({ tier: 'vision', prompt: 'Give this image a title and a description', imageUrl: PNG_DATA_URL });
    // Still in the pool, and last: a busy day needs every free model.
    expect(busy.model).toBe('baidu/qianfan-ocr-fast:free');
    expect(busy.attempts.map((a) => a.model)).toEqual([...general, 'baidu/qianfan-ocr-fast:free']);
  });
});
