import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { DEFAULT_BASE_URL, fetchCatalog, parseCatalog, type ParsedCatalog } from '@freepool/free-model-pool';

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
  let url: URL | undefined;
  try {
    url = new URL(opts.baseURL);
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
    throw new Error(`OPENROUTER_BASE_URL must be an http(s) URL such as ${DEFAULT_BASE_URL}, got "${opts.baseURL}"`);
  }
  const source = `${opts.baseURL}/models`;
  const signal = opts.signal ? AbortSignal.any([opts.signal, AbortSignal.timeout(CATALOG_TIMEOUT_MS)]) : AbortSignal.timeout(CATALOG_TIMEOUT_MS);
  let json: unknown;
  try {
    json = await fetchCatalog(opts.baseURL, { signal });
  } catch (e) {
    // The usual mistake is a base URL without /api/v1 (it answers 404 or a web page): say so.
    if (url.pathname.replace(/\/+$/, '').endsWith('/api/v1')) throw e;
    throw new Error(`${(e as Error).message}\nCheck OPENROUTER_BASE_URL: it must include /api/v1 (got "${opts.baseURL}", the default is ${DEFAULT_BASE_URL}).`);
  }
  return { source, ...parseCatalog(json, { source }) };
}
