import { normalizeBaseURL } from '../openrouter/client.js';
import { CatalogError } from './errors.js';
import { parseCatalogText } from './parse.js';
import { snippetOf } from './snippet.js';

export interface FetchCatalogOptions {
  signal?: AbortSignal;
  /** Defaults to the global fetch. */
  fetch?: typeof globalThis.fetch;
}

/** `GET {baseURL}/models` (public: no key is sent). Returns the parsed JSON, not yet validated. */
export async function fetchCatalog(baseURL: string, opts: FetchCatalogOptions = {}): Promise<unknown> {
  const url = `${normalizeBaseURL(baseURL)}/models`;
  const doFetch = opts.fetch ?? globalThis.fetch;
  let res: Response;
  try {
    res = await doFetch(url, { signal: opts.signal, headers: { accept: 'application/json' } });
  } catch (cause) {
    if (opts.signal?.aborted) throw cause;
    const why = cause instanceof Error ? cause.message : String(cause);
    throw new CatalogError(`Could not reach the model catalog at ${url}: ${why}`, { source: url, cause });
  }
  const text = await res.text();
  if (!res.ok) {
    throw new CatalogError(`The model catalog at ${url} answered HTTP ${res.status}: "${snippetOf(text)}"`, {
      source: url,
      status: res.status,
      snippet: snippetOf(text),
    });
  }
  return parseCatalogText(text, { source: url });
}
