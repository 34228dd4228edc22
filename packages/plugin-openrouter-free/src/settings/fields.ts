import { DEFAULT_BASE_URL, isModelId, SPECIALTIES, type Specialty } from '@freepool/free-model-pool';
import { normalizeBaseURL } from '@freepool/free-model-pool/internal';
import { z } from 'zod';

/**
 * The kinds of value a setting can hold, as zod fields. Each reads the raw value as text first
 * (`getSetting` hands back strings, numbers, booleans, and a character may hold a JSON array),
 * then checks it; an error says what was expected and echoes a clipped copy of what was given.
 */

/** `vendor/model[:variant]`, as OpenRouter spells its ids. */
const MODEL_ID_EXPECTED = 'an OpenRouter model id like vendor/model[:variant], e.g. meta-llama/llama-3.3-70b-instruct:free';

/** A raw setting as trimmed text; undefined when absent or blank. An array reads as a comma-separated list. */
export function asText(v: unknown): string | undefined {
  if (v === null || v === undefined) return undefined;
  // Other objects are echoed as JSON in the error.
  const text = Array.isArray(v)
    ? v.map((x) => (typeof x === 'string' ? x : JSON.stringify(x))).join(',')
    : typeof v === 'object'
      ? JSON.stringify(v)
      : String(v);
  const s = text.trim();
  return s === '' ? undefined : s;
}

/** Keeps echoed values short (a pasted data URL or prompt would flood the error). */
export function clip(s: string, max = 80): string {
  return s.length > max ? `${s.slice(0, max)}…` : s;
}

type Check<T> = (text: string, fail: (message: string) => never) => T;

/** A setting read as text and turned into a value by `check`, which calls `fail` to reject it. */
export function textField<T>(check: Check<T>) {
  return z.preprocess(
    asText,
    z
      .string()
      .optional()
      .transform((s, ctx): T | undefined => {
        if (s === undefined) return undefined;
        let failed = false;
        const fail = (message: string): never => {
          failed = true;
          ctx.addIssue({ code: 'custom', message });
          return z.NEVER as never;
        };
        const value = check(s, fail);
        return failed ? (z.NEVER as never) : value;
      }),
  );
}

export const optionalText = z.preprocess(asText, z.string().optional());

function integer(min: number, expected: string) {
  return textField((s, fail) => {
    const n = Number(s);
    if (!/^\d+$/.test(s) || !Number.isSafeInteger(n) || n < min) return fail(`expected ${expected}, got "${clip(s)}"`);
    return n;
  });
}
export const positiveInt = integer(1, 'a positive integer');
export const positiveMs = integer(1, 'a positive number of milliseconds');
export const nonNegativeMs = integer(0, 'a number of milliseconds (0 or more)');

export const boolean = textField((s, fail) => {
  const v = s.toLowerCase();
  if (['true', '1', 'yes', 'on'].includes(v)) return true;
  if (['false', '0', 'no', 'off'].includes(v)) return false;
  return fail(`expected true or false, got "${clip(s)}"`);
});

/** An http(s) URL, normalised the way the engine's client uses it (no trailing slash). */
export const httpUrl = textField((s, fail) => {
  let url: string | undefined;
  try {
    url = normalizeBaseURL(s);
    new URL(url);
  } catch {
    url = undefined;
  }
  return url ?? fail(`expected an http(s) URL such as ${DEFAULT_BASE_URL}, got "${clip(s)}"`);
});

export const modelId = textField((s, fail) => (isModelId(s) ? s : fail(`expected ${MODEL_ID_EXPECTED}, got "${clip(s)}"`)));

/** Comma-separated ids (a JSON array of strings is accepted too, since getSetting cannot carry arrays). */
export const modelList = textField((s, fail) => {
  let entries: unknown[];
  if (s.startsWith('[')) {
    try {
      const parsed: unknown = JSON.parse(s);
      entries = Array.isArray(parsed) ? parsed : [parsed];
    } catch {
      return fail('expected comma-separated model ids or a JSON array of ids; the JSON does not parse');
    }
  } else {
    entries = s.split(',');
  }
  const ids: string[] = [];
  for (const [i, raw] of entries.entries()) {
    const id = typeof raw === 'string' ? raw.trim() : '';
    if (id === '') return fail(`entry ${i + 1} is empty; expected comma-separated model ids like vendor/model[:variant]`);
    if (!isModelId(id)) return fail(`entry ${i + 1} "${clip(id)}" is not ${MODEL_ID_EXPECTED}`);
    if (!ids.includes(id)) ids.push(id);
  }
  return ids;
});

export const ladder = textField((s, fail) => {
  const rungs = s.split(',').map((x) => x.trim());
  if (rungs.some((r) => !/^\d+$/.test(r) || Number(r) <= 0)) {
    return fail(`expected comma-separated positive milliseconds such as 30000,60000,300000, got "${clip(s)}"`);
  }
  return rungs.map(Number);
});

const TIER_NAMES = ['small', 'large', 'vision'] as const;
type TierName = (typeof TIER_NAMES)[number];

/**
 * Which tier falls back to which: `off`, or pairs such as `large>small` (comma-separated; a tier
 * may list several, tried in order: `large>small,large>vision`). Vision falls back only to vision.
 */
export const tierFallback = textField((s, fail) => {
  if (['off', 'none', 'false'].includes(s.toLowerCase())) return {} as Partial<Record<TierName, TierName[]>>;
  const out: Partial<Record<TierName, TierName[]>> = {};
  for (const pair of s.split(',').map((p) => p.trim())) {
    const [from, to, extra] = pair.split('>').map((t) => t.trim().toLowerCase());
    const isTier = (t: string | undefined): t is TierName => TIER_NAMES.includes(t as TierName);
    if (extra !== undefined || !isTier(from) || !isTier(to) || from === to) {
      return fail(`expected off, or pairs like large>small (tiers: ${TIER_NAMES.join(', ')}), got "${clip(pair)}"`);
    }
    if (from === 'vision') return fail(`the vision tier can fall back only to vision models, got "${clip(pair)}"`);
    (out[from] ??= []).push(to);
  }
  return out;
});

/**
 * Specialist kinds that may rank with the general models (OPENROUTER_ALLOW_SPECIALISTS):
 * comma-separated kinds, `all`, or `none`.
 */
export const specialtyList = textField((s, fail) => {
  const v = s.toLowerCase();
  if (['none', 'off', 'false'].includes(v)) return [] as Specialty[];
  if (v === 'all') return [...SPECIALTIES];
  const kinds: Specialty[] = [];
  for (const raw of v.split(',').map((k) => k.trim())) {
    const kind = SPECIALTIES.find((k) => k === raw);
    if (!kind) return fail(`expected comma-separated specialist kinds (${SPECIALTIES.join(', ')}), all or none, got "${clip(raw)}"`);
    if (!kinds.includes(kind)) kinds.push(kind);
  }
  return kinds;
});
