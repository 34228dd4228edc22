/** Loading the model catalog the simulator serves, and the few facts it reads from each entry. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** Our own catalog fixture (ids documented in the package README). Resolves from src/ and dist/ alike. */
export const DEFAULT_CATALOG_PATH: string = fileURLToPath(new URL('../fixtures/catalog.json', import.meta.url));

export interface CatalogEntry {
  id: string;
  [key: string]: unknown;
}

export interface Catalog {
  data: CatalogEntry[];
}

export class CatalogError extends Error {
  override name = 'CatalogError';
}

/** Reads a catalog from a path or takes it as given; accepts `{data:[...]}` or a bare array. */
export function loadCatalog(source: string | { data: unknown[] } | undefined): Catalog {
  const where = typeof source === 'string' ? source : source ? 'the catalog option' : DEFAULT_CATALOG_PATH;
  let raw: unknown = source;
  if (typeof source === 'string' || source === undefined) {
    const path = source ?? DEFAULT_CATALOG_PATH;
    try {
      raw = JSON.parse(readFileSync(path, 'utf8'));
    } catch (err) {
      throw new CatalogError(`Cannot read the simulator catalog at ${path}: ${(err as Error).message}`);
    }
  }
  const data = Array.isArray(raw) ? raw : (raw as { data?: unknown } | null)?.data;
  if (!Array.isArray(data)) {
    throw new CatalogError(`Invalid simulator catalog (${where}): expected {"data": [...]} or an array of models`);
  }
  data.forEach((entry, i) => {
    if (!entry || typeof entry !== 'object' || typeof (entry as { id?: unknown }).id !== 'string') {
      throw new CatalogError(`Invalid simulator catalog (${where}): data[${i}] has no string "id"`);
    }
  });
  return { data: data as CatalogEntry[] };
}

/** Free-tier quotas apply to `:free` variants (and the free router, whose calls land on them). */
export function countsAgainstFreeQuota(id: string): boolean {
  return id.endsWith(':free') || id === 'openrouter/free';
}

export function inputModalities(entry: CatalogEntry): string[] {
  const arch = entry.architecture as { input_modalities?: unknown; modality?: unknown } | undefined;
  if (Array.isArray(arch?.input_modalities)) return arch.input_modalities.map(String);
  if (typeof arch?.modality === 'string') return arch.modality.split('->')[0]!.split('+');
  return ['text'];
}

export function acceptsImages(entry: CatalogEntry): boolean {
  return inputModalities(entry).includes('image');
}

/** `top_provider.max_completion_tokens`: the model's own completion cap, when the catalog gives one. */
export function maxCompletionTokens(entry: CatalogEntry): number | undefined {
  const n = (entry.top_provider as { max_completion_tokens?: unknown } | undefined)?.max_completion_tokens;
  return typeof n === 'number' && n > 0 ? n : undefined;
}

export function contextLength(entry: CatalogEntry): number | undefined {
  const n = entry.context_length;
  return typeof n === 'number' && n > 0 ? n : undefined;
}

/** A model whose `expiration_date` has passed is served as gone, as OpenRouter does once it retires. */
export function isExpired(entry: CatalogEntry, now: number): boolean {
  const date = entry.expiration_date;
  if (typeof date !== 'string') return false;
  const t = Date.parse(`${date}T00:00:00Z`);
  return Number.isFinite(t) && t <= now;
}

function price(entry: CatalogEntry, key: string): number {
  const p = (entry.pricing as Record<string, unknown> | undefined)?.[key];
  return p === undefined ? 0 : Number(p);
}

/** What the `openrouter/free` router may land on: `:free`, truly zero-priced. */
export function isRoutableFree(entry: CatalogEntry): boolean {
  return (
    entry.id.endsWith(':free') && price(entry, 'prompt') === 0 && price(entry, 'completion') === 0 && price(entry, 'request') === 0
  );
}
