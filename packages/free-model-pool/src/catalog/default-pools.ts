import { z } from 'zod';
import type { PoolDefinition } from '../settings.js';
import type { Tier } from '../types.js';
import { REASONING_EFFORTS, TIERS } from '../types.js';
import { compareForChat } from './rank.js';
import { SPECIALTIES, type Specialty } from './specialists.js';
// Imported as a module (not read from disk) so it works from src under vitest/bun and from dist:
// tsc copies imported JSON into dist. Regenerate with `bun run pool:discover`.
import committed from './default-pools.json' with { type: 'json' };
import type { DefaultPoolFile } from './types.js';

const poolModelSchema = z.object({
  id: z.string(),
  name: z.string().optional(),
  contextLength: z.number(),
  maxCompletionTokens: z.number().nullish(),
  vision: z.boolean(),
  structuredOutputs: z.boolean(),
  responseFormat: z.boolean(),
  reasoning: z
    .object({
      mandatory: z.boolean(),
      efforts: z.array(z.enum(REASONING_EFFORTS)).optional(),
      defaultEffort: z.enum(REASONING_EFFORTS).optional(),
    })
    .optional(),
  // Ranking facts (rank.ts); kept so `allowSpecialists` can re-rank without a catalog.
  score: z.number().optional(),
  specialty: z.enum(SPECIALTIES).optional(),
});

const defaultPoolFileSchema = z.object({
  generatedAt: z.string().optional(),
  source: z.string(),
  tiers: z.object({ small: z.array(z.string()), large: z.array(z.string()), vision: z.array(z.string()) }),
  models: z.record(z.string(), poolModelSchema),
});

/** Validates a default pool file (committed or written by a script); throws with the field at fault. */
export function parseDefaultPoolFile(json: unknown, what = 'default-pools.json'): DefaultPoolFile {
  const r = defaultPoolFileSchema.safeParse(json);
  if (!r.success) {
    const i = r.error.issues[0]!;
    throw new Error(`${what} is not a pool file: ${i.path.join('.') || '(root)'}: ${i.message}`);
  }
  for (const tier of TIERS) {
    for (const id of r.data.tiers[tier]) {
      if (!r.data.models[id]) throw new Error(`${what}: tier ${tier} lists ${id}, which has no entry in "models"`);
    }
  }
  return r.data as DefaultPoolFile;
}

/**
 * The default pool the plugin starts from (generated from a catalog snapshot; a fresh copy each call).
 * With `allowSpecialists`, each tier is re-ranked by the score and kind the file records, as
 * `derivePoolFromCatalog` would rank the same catalog; without it, the file's order is kept.
 */
export function loadDefaultPools(opts: { allowSpecialists?: readonly Specialty[] } = {}): PoolDefinition {
  const file = parseDefaultPoolFile(structuredClone(committed));
  const tiers = file.tiers as Record<Tier, string[]>;
  if (opts.allowSpecialists?.length) {
    const rank = compareForChat(opts.allowSpecialists);
    const facts = (id: string) => ({ id, score: file.models[id]?.score ?? 0, specialty: file.models[id]?.specialty });
    for (const tier of TIERS) tiers[tier] = [...tiers[tier]].sort((a, b) => rank(facts(a), facts(b)));
  }
  return { tiers, models: file.models };
}
