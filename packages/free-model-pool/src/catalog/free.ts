import type { CatalogModel } from './types.js';

/** Suffix OpenRouter gives the free variant of a model; only these count against the free quota. */
export const FREE_SUFFIX = ':free';

/** Epoch ms of the UTC midnight that starts the expiration day: from then on the model may be gone. */
export function expiresAt(m: CatalogModel): number | undefined {
  if (!m.expirationDate) return undefined;
  const t = Date.parse(m.expirationDate);
  return Number.isNaN(t) ? undefined : t;
}

/**
 * Why a catalog entry is not a usable free model, or undefined when it is. The rules guard the traps
 * seen in real catalogs: routers with "-1" (variable) prices, `openrouter/*` routers and stealth
 * models, `~` aliases of paid models, promotional zero-priced ids without `:free`, expired variants,
 * and models that cannot take or produce text.
 */
export function whyNotFree(m: CatalogModel, now: number | Date): string | undefined {
  const nowMs = typeof now === 'number' ? now : now.getTime();
  if (m.id.startsWith('~')) return 'alias (~) of another model';
  if (m.id.startsWith('openrouter/')) return 'OpenRouter router or stealth model';
  if (m.tokenizer === 'Router') return 'router';
  if (!m.id.endsWith(FREE_SUFFIX)) return 'no :free suffix';
  const { prompt, completion, request } = m.pricing;
  // Numbers, not strings: "0.0" is free, "-1" (variable price) is not.
  if (prompt !== 0 || completion !== 0 || request !== 0) return 'not zero-priced';
  const exp = expiresAt(m);
  if (exp !== undefined && nowMs >= exp) return `expired on ${m.expirationDate}`;
  if (!m.inputModalities.includes('text')) return 'does not take text input';
  if (!m.outputModalities.includes('text')) return 'does not produce text';
  return undefined;
}

/** A `:free` model whose prompt, completion and request prices are zero and that has not expired. */
export function isFreeModel(m: CatalogModel, now: number | Date): boolean {
  return whyNotFree(m, now) === undefined;
}
