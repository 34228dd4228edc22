const MARKER = Symbol.for('freepool.error');

/**
 * The catalog response is not a catalog at all (HTML, `{}`, numbers, invalid JSON, an HTTP error).
 * Single malformed entries are not errors: they are skipped with a warning.
 */
export class CatalogError extends Error {
  readonly [MARKER] = true;
  /** The URL or file the catalog came from, when known. */
  readonly source?: string;
  /** HTTP status, when the catalog was fetched. */
  readonly status?: number;
  /** The first bytes of what came back, whitespace collapsed and secrets redacted. */
  readonly snippet?: string;

  constructor(message: string, opts: { source?: string; status?: number; snippet?: string; cause?: unknown } = {}) {
    super(message, { cause: opts.cause });
    this.name = 'CatalogError';
    this.source = opts.source;
    this.status = opts.status;
    this.snippet = opts.snippet;
  }

  static isInstance(e: unknown): e is CatalogError {
    return typeof e === 'object' && e !== null && (e as Error).name === 'CatalogError' && MARKER in e;
  }
}
