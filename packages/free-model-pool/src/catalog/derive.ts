import type { PoolDefinition } from '../settings.js';
import type { PoolModel, Tier } from '../types.js';
import { TIERS } from '../types.js';
import { buildPools, toDefaultPools } from './build.js';
import { whyNotFree } from './free.js';
import { parseCatalog } from './parse.js';
import type { Specialty } from './specialists.js';

export interface DerivePoolOptions {
  /** Reference time for expiration dates. */
  now: number | Date;
  /**
   * Ordered ids per tier to keep at the front (the user's lists, or an order measured by the probe).
   * Each is kept only while the catalog still lists it as free (and, for vision, with image input).
   */
  pinned?: Partial<Record<Tier, readonly string[]>>;
  /**
   * When true, a tier that has a pinned list holds only its pinned ids (the user chose them).
   * Default false: the tier's other free models follow the pinned ones, by score.
   */
  exclusive?: boolean;
  /** Specialist kinds that rank as general models (rank.ts); default none. Pinned ids keep their place. */
  allowSpecialists?: readonly Specialty[];
  /** Provenance for warnings, e.g. the catalog URL. */
  source?: string;
}

/** A pool re-derived from a live catalog, with what was dropped and why. */
export interface DerivedPool extends PoolDefinition {
  /** Pinned ids that were left out (no longer listed, no longer free, or not vision-capable). */
  dropped: string[];
  /** Skipped catalog entries and dropped ids, one readable line each. */
  warnings: string[];
}

/**
 * Self-healing at start-up: re-derives the tiers from a live catalog with the same classifier as
 * discovery, keeps pinned ids first while they are still free, and drops ids that are not.
 * Throws CatalogError when `json` is not a catalog.
 */
export function derivePoolFromCatalog(json: unknown, opts: DerivePoolOptions): DerivedPool {
  const { models: catalog, warnings } = parseCatalog(json, { source: opts.source });
  const file = buildPools(catalog, { now: opts.now, source: opts.source, allowSpecialists: opts.allowSpecialists });
  const derived = toDefaultPools(file);
  const byId = new Map(catalog.map((m) => [m.id, m]));
  const dropped = new Set<string>();
  const tiers = {} as Record<Tier, string[]>;

  for (const tier of TIERS) {
    const pins = opts.pinned?.[tier];
    if (!pins) {
      tiers[tier] = derived.tiers[tier];
      continue;
    }
    const kept: string[] = [];
    for (const id of pins) {
      if (kept.includes(id)) continue;
      const m = byId.get(id);
      const why = !m
        ? 'not in the catalog'
        : whyNotFree(m, opts.now) ?? (tier === 'vision' && !derived.models[id]?.vision ? 'no image input' : undefined);
      if (why) {
        if (!dropped.has(`${tier}:${id}`)) warnings.push(`pool ${tier}: dropped ${id} (${why})`);
        dropped.add(`${tier}:${id}`);
        continue;
      }
      kept.push(id);
    }
    tiers[tier] = opts.exclusive ? kept : [...kept, ...derived.tiers[tier].filter((id) => !kept.includes(id))];
  }

  const models: Record<string, PoolModel> = {};
  for (const id of [...new Set(TIERS.flatMap((t) => tiers[t]))].sort()) {
    const m = derived.models[id];
    if (m) models[id] = m;
  }
  return { tiers, models, dropped: [...new Set([...dropped].map((k) => k.slice(k.indexOf(':') + 1)))], warnings };
}
