import { startSimulator, type Scenario, type Simulator } from '@freepool/openrouter-simulator';
import {
  FreeModelPool,
  type FreeModelPoolOptions,
  type PoolDefinition,
  type PoolEvent,
  type PoolModel,
  type PoolPolicy,
} from '@freepool/free-model-pool';
import { createRandom } from '@freepool/openrouter-simulator';
import { parseCatalog } from '@freepool/free-model-pool';
import { toPoolModel } from '@freepool/free-model-pool/internal';

/** Obviously fake; the simulator accepts any bearer token unless told otherwise. */
export const FAKE_KEY = 'sk-or-v1-FAKE-test-key-0000';

export const SMALL = [
  'meta-llama/llama-3.2-3b-instruct:free',
  'google/gemma-3n-e4b-it:free',
  'google/gemma-3-12b-it:free',
] as const;
export const LARGE = [
  'meta-llama/llama-3.3-70b-instruct:free',
  'nousresearch/hermes-3-llama-3.1-405b:free',
  'openai/gpt-oss-120b:free',
] as const;
export const VISION = ['meta-llama/llama-3.2-3b-instruct:free', 'google/gemma-3-27b-it:free'] as const;

/** Capabilities read from the simulator's own catalog by the catalog module. */
export function poolFromSimulator(sim: Simulator, tiers: Partial<PoolDefinition['tiers']> = {}): PoolDefinition {
  const models: Record<string, PoolModel> = {};
  for (const m of parseCatalog(sim.catalog()).models) models[m.id] = toPoolModel(m);
  return {
    tiers: { small: [...SMALL], large: [...LARGE], vision: [...VISION], ...tiers },
    models,
  };
}

/** Seeded randomness (the simulator's mulberry32) so cooldown jitter is the same on every run. */
export function seededRandom(seed = 42): () => number {
  return createRandom(seed);
}

/** Compressed policy: windows and cooldowns in ms so a test runs in well under a second. */
export const FAST_POLICY: Partial<PoolPolicy> = {
  freeRequestsPerWindow: 20,
  rateWindowMs: 1_000,
  maxWaitMs: 2_000,
  cooldownLadderMs: [60_000, 120_000, 300_000],
  cooldownJitter: 0.2,
  attemptTimeoutMs: 5_000,
  firstChunkTimeoutMs: 5_000,
  requestDeadlineMs: 20_000,
  maxAttempts: 6,
};

export interface Harness {
  sim: Simulator;
  pool: FreeModelPool;
  events: PoolEvent[];
  /** The first event (already seen or still to come) that `match` accepts. */
  whenEvent(match: (e: PoolEvent) => boolean): Promise<PoolEvent>;
}

export async function startHarness(
  scenario: Scenario = {},
  opts: {
    policy?: Partial<PoolPolicy>;
    tiers?: Partial<PoolDefinition['tiers']>;
    pool?: Partial<FreeModelPoolOptions>;
    /** When set, the simulator accepts only this key (FAKE_KEY then gets 401). */
    simApiKey?: string;
  } = {},
): Promise<Harness> {
  const sim = await startSimulator({ scenario: { seed: 7, ...scenario }, port: 0, apiKey: opts.simApiKey });
  const events: PoolEvent[] = [];
  const waiters: Array<{ match: (e: PoolEvent) => boolean; resolve: (e: PoolEvent) => void }> = [];
  const record = (e: PoolEvent) => {
    events.push(e);
    for (const w of [...waiters]) {
      if (!w.match(e)) continue;
      waiters.splice(waiters.indexOf(w), 1);
      w.resolve(e);
    }
  };
  const whenEvent = (match: (e: PoolEvent) => boolean) => {
    const seen = events.find(match);
    return seen ? Promise.resolve(seen) : new Promise<PoolEvent>((resolve) => waiters.push({ match, resolve }));
  };
  const pool = new FreeModelPool({
    connection: { apiKey: FAKE_KEY, baseURL: sim.baseURL, httpReferer: 'https://example.test/app', appTitle: 'freepool tests' },
    pool: poolFromSimulator(sim, opts.tiers),
    policy: { ...FAST_POLICY, ...opts.policy },
    random: seededRandom(),
    onEvent: record,
    ...opts.pool,
  });
  return { sim, pool, events, whenEvent };
}

export function callsTo(sim: Simulator, model: string): number {
  return sim.stats().byModel[model]?.calls ?? 0;
}

/** A 1×1 PNG as a data: URL. */
export const PNG_DATA_URL =
  'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==';
