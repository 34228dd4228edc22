import { z } from 'zod';
import { CatalogError } from './errors.js';
import { snippetOf } from './snippet.js';
import { REASONING_EFFORTS, type ReasoningEffort } from '../types.js';
import type { CatalogModel } from './types.js';

/** A price: the API sends decimal strings ("0", "0.0000001", "-1"); numbers are accepted too. */
const price = z.union([z.string(), z.number()]).transform((v, ctx) => {
  const n = typeof v === 'number' ? v : v.trim() === '' ? Number.NaN : Number(v);
  if (!Number.isFinite(n)) {
    ctx.addIssue({ code: 'custom', message: `expected a numeric price, got ${JSON.stringify(v)}` });
    return z.NEVER;
  }
  return n;
});

const stringList = z.array(z.string()).nullish();

/** Only the fields we use are validated; unknown fields pass untouched (the API adds fields often). */
const entrySchema = z.object({
  id: z.string().min(1),
  name: z.string(),
  // Read only to recognise single-purpose models; an odd value is ignored rather than failing the entry.
  description: z
    .unknown()
    .optional()
    .transform((v) => (typeof v === 'string' ? v : undefined)),
  created: z.number().nullish(),
  context_length: z.number().nullable(),
  architecture: z.object({
    modality: z.string().nullish(),
    input_modalities: stringList,
    output_modalities: stringList,
    tokenizer: z.string().nullish(),
  }),
  pricing: z.object({ prompt: price, completion: price, request: price.nullish() }),
  top_provider: z
    .object({ context_length: z.number().nullish(), max_completion_tokens: z.number().nullish() })
    .nullish(),
  supported_parameters: stringList,
  // OpenRouter's reasoning facts (2026): read leniently, an odd value means "not said".
  reasoning: z
    .unknown()
    .optional()
    .transform((v) => readReasoning(v)),
  expiration_date: z
    .string()
    .refine((s) => !Number.isNaN(Date.parse(s)), { message: 'expected a date such as 2026-05-07' })
    .nullish(),
});

type Entry = z.infer<typeof entrySchema>;

export interface ParsedCatalog {
  models: CatalogModel[];
  /** One line per skipped entry, naming it by id (or index when it has none). */
  warnings: string[];
}

/**
 * Validates a catalog response (`{data:[…]}`, or the bare array some archives store) entry by entry.
 * A malformed entry is skipped with a warning; a value that is not a catalog at all throws CatalogError.
 * A string is parsed as JSON text first, so HTML or broken JSON also yields a CatalogError.
 */
export function parseCatalog(json: unknown, opts: { source?: string } = {}): ParsedCatalog {
  if (typeof json === 'string') return parseCatalog(parseCatalogText(json, opts), opts);
  const entries = catalogEntries(json, opts.source);
  const models: CatalogModel[] = [];
  const warnings: string[] = [];
  const seen = new Set<string>();
  entries.forEach((raw, index) => {
    const label = entryLabel(raw, index);
    const result = entrySchema.safeParse(raw);
    if (!result.success) {
      const problems = result.error.issues
        .slice(0, 3)
        .map((i) => `${i.path.length ? i.path.join('.') : '(entry)'}: ${i.message}`)
        .join('; ');
      warnings.push(`catalog entry ${label} skipped: ${problems}`);
      return;
    }
    if (seen.has(result.data.id)) {
      warnings.push(`catalog entry ${label} skipped: duplicate id`);
      return;
    }
    seen.add(result.data.id);
    models.push(toCatalogModel(result.data));
  });
  return { models, warnings };
}

/** JSON.parse with an error that says what came back instead of a catalog. */
export function parseCatalogText(text: string, opts: { source?: string } = {}): unknown {
  const from = opts.source ? ` from ${opts.source}` : '';
  try {
    return JSON.parse(text);
  } catch (cause) {
    const kind = /^\s*</.test(text) ? 'HTML or XML' : text.trim() === '' ? 'an empty body' : 'invalid JSON';
    throw new CatalogError(`The model catalog${from} is not JSON: got ${kind}: "${snippetOf(text)}"`, {
      source: opts.source,
      snippet: snippetOf(text),
      cause,
    });
  }
}

function catalogEntries(json: unknown, source?: string): unknown[] {
  const from = source ? ` from ${source}` : '';
  const list = Array.isArray(json)
    ? json
    : isObject(json) && Array.isArray(json.data)
      ? (json.data as unknown[])
      : undefined;
  if (!list) {
    throw new CatalogError(
      `The model catalog${from} is not an OpenRouter catalog: expected an object with a "data" array of models, got ${describe(json)}: ${snippetOf(json)}`,
      { source, snippet: snippetOf(json) },
    );
  }
  if (list.length > 0 && !list.some(isObject)) {
    throw new CatalogError(
      `The model catalog${from} is not an OpenRouter catalog: expected model objects in "data", got ${describe(list)}: ${snippetOf(json)}`,
      { source, snippet: snippetOf(json) },
    );
  }
  return list;
}

function toCatalogModel(e: Entry): CatalogModel {
  const [modalIn, modalOut] = splitModality(e.architecture.modality);
  return {
    id: e.id,
    name: e.name,
    ...(e.description ? { description: e.description } : {}),
    ...(typeof e.created === 'number' ? { created: e.created } : {}),
    contextLength: e.context_length ?? e.top_provider?.context_length ?? 0,
    maxCompletionTokens: e.top_provider?.max_completion_tokens ?? null,
    inputModalities: e.architecture.input_modalities ?? modalIn,
    outputModalities: e.architecture.output_modalities ?? modalOut,
    ...(e.architecture.tokenizer ? { tokenizer: e.architecture.tokenizer } : {}),
    pricing: { prompt: e.pricing.prompt, completion: e.pricing.completion, request: e.pricing.request ?? 0 },
    supportedParameters: e.supported_parameters ?? [],
    ...(e.reasoning ? { reasoning: e.reasoning } : {}),
    expirationDate: e.expiration_date ?? null,
  };
}

/** `{mandatory, supported_efforts, default_effort}` with unknown efforts dropped; undefined when it is not an object. */
function readReasoning(v: unknown): CatalogModel['reasoning'] {
  if (!isObject(v)) return undefined;
  const efforts = Array.isArray(v.supported_efforts) ? v.supported_efforts.filter(isEffort) : undefined;
  return {
    mandatory: v.mandatory === true,
    ...(efforts && efforts.length > 0 ? { supportedEfforts: efforts } : {}),
    ...(isEffort(v.default_effort) ? { defaultEffort: v.default_effort } : {}),
  };
}

function isEffort(v: unknown): v is ReasoningEffort {
  return typeof v === 'string' && (REASONING_EFFORTS as readonly string[]).includes(v);
}

/** Older catalogs only had `modality: "text+image->text"`. */
function splitModality(modality: string | null | undefined): [string[], string[]] {
  if (!modality || !modality.includes('->')) return [['text'], ['text']];
  const [input, output] = modality.split('->');
  return [input!.split('+').filter(Boolean), output!.split('+').filter(Boolean)];
}

function entryLabel(raw: unknown, index: number): string {
  if (isObject(raw) && typeof raw.id === 'string' && raw.id) return `"${raw.id}" (#${index})`;
  return `#${index}`;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) {
    const kinds = [...new Set(v.map((x) => (x === null ? 'null' : Array.isArray(x) ? 'array' : typeof x)))];
    return v.length === 0 ? 'an empty array' : `an array of ${kinds.map((k) => `${k}s`).join(' and ')}`;
  }
  if (isObject(v)) {
    const keys = Object.keys(v);
    return keys.length === 0 ? 'an empty object' : `an object with keys ${keys.slice(0, 5).join(', ')}`;
  }
  return `a ${typeof v}`;
}
