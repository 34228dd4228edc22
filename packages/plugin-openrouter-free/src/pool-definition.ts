import { PoolConfigError, TIERS, type DerivedPool, type PoolDefinition, type PoolModel, type Tier } from '@freepool/free-model-pool';
import type { PluginSettings } from './config.js';

export interface BuiltPool {
  definition: PoolDefinition;
  /** User-pinned ids left out because the catalog no longer lists them as free (or they answered 404). */
  dropped: string[];
  /** Things worth a warning, already phrased for a log line. */
  notes: string[];
}

/**
 * Builds the pool the engine runs on. Base tiers come from the live catalog when we have it
 * (`derived`, made with the user's pinned pools as exclusive pins, so pinned ids that are no longer
 * free are already gone), else from the committed default; a pinned pool (OPENROUTER_*_POOL)
 * replaces its tier; a preferred model (OPENROUTER_*_MODEL) goes first; ids that answered 404 in
 * this process (`gone`) are left out. Dropping never empties a tier: it falls back instead.
 */
export function buildPoolDefinition(
  defaults: PoolDefinition,
  settings: PluginSettings,
  derived?: DerivedPool,
  gone: ReadonlySet<string> = new Set(),
): BuiltPool {
  const tiers = {} as Record<Tier, string[]>;
  const models: Record<string, PoolModel> = { ...defaults.models, ...derived?.models };
  const notes: string[] = [];
  const dropped = new Set<string>();
  const live = (ids: readonly string[]) => ids.filter((id) => !gone.has(id));

  for (const tier of TIERS) {
    const pinned = settings.pinnedPools[tier];
    let list: string[];
    if (pinned) {
      list = live(derived ? derived.tiers[tier] : pinned);
      const left = pinned.filter((id) => !list.includes(id));
      if (list.length === 0) {
        // Not one of them is free in the live catalog: calling them could cost money. That is a
        // configuration error to fix, not a pool to run, unless paid models were allowed.
        const notFree = derived ? pinned.filter((id) => !derived.tiers[tier].includes(id) && !gone.has(id)) : [];
        if (notFree.length && !settings.allowPaid) {
          const key = `OPENROUTER_${tier === 'vision' ? 'VISION' : tier.toUpperCase()}_POOL`;
          throw new PoolConfigError(
            key,
            `${key}: none of its models is free in OpenRouter's catalog (${notFree.join(', ')}); this plugin calls only free models unless OPENROUTER_ALLOW_PAID=true is set.`,
          );
        }
        list = [...pinned];
        notes.push(`none of the pinned ${tier} models is usable (not free in the catalog, or answered 404); keeping the pinned list as set`);
      } else if (left.length) {
        left.forEach((id) => dropped.add(id));
        notes.push(`dropped from the pinned ${tier} pool (not free in the catalog, or answered 404): ${left.join(', ')}`);
      }
    } else {
      const fromCatalog = derived ? live(derived.tiers[tier]) : [];
      const fallback = live(defaults.tiers[tier] ?? []);
      list = fromCatalog.length ? fromCatalog : fallback.length ? fallback : [...(defaults.tiers[tier] ?? [])];
      if (derived && !fromCatalog.length) notes.push(`the catalog yields no usable ${tier} models; keeping the committed default for that tier`);
    }
    const preferred = settings.preferredModels[tier];
    if (preferred) list = [preferred, ...list];
    tiers[tier] = [...new Set(list)];
    for (const id of tiers[tier]) models[id] ??= unknownModel(id, tier);
    // The user named it as their image model: trust that it sees images, as the official plugin does.
    if (tier === 'vision' && preferred && !models[preferred]!.vision) models[preferred] = { ...models[preferred]!, vision: true };
  }
  return { definition: { tiers, models }, dropped: [...dropped], notes };
}

/**
 * A model the user named that no pool file describes. Vision-tier ids are assumed to take images
 * (the user put them there for that); context is unknown (0), so no request is skipped for size.
 */
function unknownModel(id: string, tier: Tier): PoolModel {
  return { id, contextLength: 0, vision: tier === 'vision', structuredOutputs: false, responseFormat: false };
}

/** `small=3 large=4 vision=2`, for log lines. */
export function describeTiers(def: PoolDefinition): string {
  return TIERS.map((t) => `${t}=${def.tiers[t]?.length ?? 0}`).join(' ');
}
