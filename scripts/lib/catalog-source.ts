import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { fetchCatalog, parseCatalog, type ParsedCatalog } from '@freepool/free-model-pool';

/** Longest wait for the catalog download, ms. */
export const CATALOG_TIMEOUT_MS = 30_000;

export interface LoadedCatalog extends ParsedCatalog {
  /** The file's base name or the catalog URL (recorded as provenance). */
  source: string;
}

/** Reads a saved catalog (`--catalog FILE`) or `GET {baseURL}/models`, then validates it entry by entry. */
export async function loadCatalog(opts: { file?: string; baseURL: string; signal?: AbortSignal }): Promise<LoadedCatalog> {
  if (opts.file) {
    let text: string;
    try {
      text = readFileSync(opts.file, 'utf8');
    } catch (e) {
      throw new Error(`Cannot read the catalog file ${opts.file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
    const source = basename(opts.file);
    return { source, ...parseCatalog(text, { source }) };
  }
  const source = `${opts.baseURL}/models`;
  const signal = opts.signal ? AbortSignal.any([opts.signal, AbortSignal.timeout(CATALOG_TIMEOUT_MS)]) : AbortSignal.timeout(CATALOG_TIMEOUT_MS);
  const json = await fetchCatalog(opts.baseURL, { signal });
  return { source, ...parseCatalog(json, { source }) };
}
