/**
 * `bun run pool:discover` — reads the OpenRouter model catalog, keeps the free models, sorts them
 * into SMALL / LARGE / VISION tiers and writes `available-free-models.json` plus the default pool
 * file the plugin loads. See docs/catalog-and-probing.md.
 */
import { relative } from 'node:path';
import { buildPools, CatalogError, recogniseSpecialist, whyNotFree, type CatalogModel, type FreeModelEntry, TIERS } from '@freepool/free-model-pool';
import { SPECIALIST_SIGNS } from '@freepool/free-model-pool/internal';
import { parseCli, parseOrExit, timeOption } from './lib/args.js';
import { loadCatalog } from './lib/catalog-source.js';
import { baseUrlFrom } from './lib/env.js';
import { type Env, processIo, runCli, type ScriptIo } from './lib/io.js';
import { REPO_ROOT } from './lib/paths.js';
import { writeDiscovery } from './lib/pool-files.js';
import { renderTable } from './lib/table.js';

const USAGE = `Usage: bun run pool:discover [--catalog FILE] [--out DIR] [--now DATE] [--dry-run]

Reads GET $OPENROUTER_BASE_URL/models (no key needed; default https://openrouter.ai/api/v1),
or a saved catalog with --catalog, and writes:
  available-free-models.json                                every free model and the tier lists
  packages/free-model-pool/src/catalog/default-pools.json   the default pool the plugin loads

  --catalog FILE   read a saved catalog instead of the live one
  --out DIR        write both files into DIR instead (the committed files stay untouched)
  --now DATE       reference time for expiration dates (ISO date or epoch ms; default: now)
  --dry-run        print the tiers, write nothing
  -h, --help       this text`;

export async function main(argv: string[], env: Env, io: ScriptIo = processIo): Promise<number> {
  const values = parseOrExit(io, USAGE, () => {
    const v = parseCli(argv, {
      catalog: { type: 'string' },
      out: { type: 'string' },
      now: { type: 'string' },
      'dry-run': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    });
    return { ...v, nowMs: timeOption(v.now, 'now') ?? Date.now() };
  });
  if (typeof values === 'number') return values;
  const now = values.nowMs;

  let catalog;
  try {
    catalog = await loadCatalog({ file: values.catalog, baseURL: baseUrlFrom(env) });
  } catch (e) {
    // CatalogError and file errors carry a message meant for the user; never a stack trace.
    io.err(`pool:discover: ${CatalogError.isInstance(e) ? e.message : (e as Error).message}`);
    return 1;
  }
  for (const w of catalog.warnings) io.err(`warning: ${w}`);

  const file = buildPools(catalog.models, { now, source: catalog.source });
  if (file.models.length === 0) {
    io.err(`pool:discover: the catalog from ${catalog.source} lists no usable free models; nothing written.`);
    return 1;
  }

  io.out(renderTiers(file.models, file.pools));
  io.out(renderSpecialists(catalog.models, file.models));
  io.out(renderExcluded(catalog.models, now));
  io.out(
    `${catalog.models.length} catalog entries from ${catalog.source}, ${file.models.length} free` +
      (catalog.warnings.length ? `, ${catalog.warnings.length} malformed entries skipped` : '') +
      ` (expiration checked against ${new Date(now).toISOString()}).`,
  );
  if (values['dry-run']) return 0;
  const paths = writeDiscovery(file, values.out);
  io.out(`Wrote ${show(paths.available)} and ${show(paths.defaultPools)}.`);
  return 0;
}

function show(path: string): string {
  const rel = relative(REPO_ROOT, path);
  return rel.startsWith('..') ? path : rel;
}

function formatSize(e: FreeModelEntry): string {
  if (e.sizeB === undefined && e.activeB === undefined) return '?';
  const total = e.sizeB !== undefined ? `${e.sizeB >= 1000 ? `${e.sizeB / 1000}T` : `${e.sizeB}B`}` : '?';
  return e.activeB !== undefined ? `${total} (A${e.activeB}B)` : total;
}

function formatContext(n: number): string {
  return n >= 1000 ? `${Math.round(n / 1000)}K` : String(n);
}

function formatJson(e: FreeModelEntry): string {
  return e.structuredOutputs ? 'schema' : e.responseFormat ? 'json' : '-';
}

/** One table per tier, best first. */
export function renderTiers(models: FreeModelEntry[], pools: Record<string, string[]>): string {
  const byId = new Map(models.map((m) => [m.id, m]));
  const parts: string[] = [];
  for (const tier of TIERS) {
    const ids = pools[tier] ?? [];
    parts.push(`${tier.toUpperCase()} (${ids.length})`);
    const rows = ids.map((id, i) => {
      const e = byId.get(id)!;
      return [i + 1, id, formatSize(e), formatContext(e.contextLength), formatJson(e), e.score.toFixed(2), e.specialty ?? '-'];
    });
    parts.push(
      renderTable(['#', 'model', 'size', 'context', 'json', 'score', 'specialist'], rows, ['right', 'left', 'right', 'right', 'left', 'right', 'left']),
    );
  }
  return parts.join('\n');
}

/** The free specialists, with the sign that made each one: why it sits behind the general models. */
function renderSpecialists(catalog: CatalogModel[], free: FreeModelEntry[]): string {
  const byId = new Map(catalog.map((m) => [m.id, m]));
  const lines = free
    .filter((e) => e.specialty)
    .map((e) => {
      const match = recogniseSpecialist(byId.get(e.id)!)!;
      return `  ${e.id}: ${SPECIALIST_SIGNS[match.specialty].label} (${match.because})`;
    });
  return lines.length
    ? `Specialists, ranked after the general models of their tier (${lines.length}):\n${lines.join('\n')}`
    : 'Specialists: none';
}

/** Zero-priced or `:free` entries that were not counted, with why: the traps, made visible. */
function renderExcluded(models: CatalogModel[], now: number): string {
  const lines = models
    .filter((m) => m.id.endsWith(':free') || m.pricing.prompt <= 0 || m.pricing.completion <= 0)
    .map((m) => [m.id, whyNotFree(m, now)] as const)
    .filter((x): x is readonly [string, string] => x[1] !== undefined)
    .sort((a, b) => (a[0] < b[0] ? -1 : 1))
    .map(([id, why]) => `  ${id}: ${why}`);
  return lines.length ? `Not counted as free (${lines.length}):\n${lines.join('\n')}` : 'Not counted as free: none';
}

if (import.meta.main) await runCli(main);
