import { DEFAULT_BASE_URL, DEFAULT_POLICY } from '@freepool/free-model-pool';
import type { Env } from './io.js';
import { UsageError } from './io.js';

/** OPENROUTER_BASE_URL (trailing slashes dropped), default https://openrouter.ai/api/v1. */
export function baseUrlFrom(env: Env): string {
  return (env.OPENROUTER_BASE_URL?.trim() || DEFAULT_BASE_URL).replace(/\/+$/, '');
}

/** The key, or undefined when unset or blank. */
export function apiKeyFrom(env: Env): string | undefined {
  const k = env.OPENROUTER_API_KEY?.trim();
  return k ? k : undefined;
}

/** Account pacing from OPENROUTER_FREE_RPM / OPENROUTER_RATE_WINDOW_MS, with the engine's defaults. */
export function pacingFrom(env: Env): { freeRequestsPerWindow: number; rateWindowMs: number } {
  return {
    freeRequestsPerWindow: positiveInt(env.OPENROUTER_FREE_RPM, 'OPENROUTER_FREE_RPM') ?? DEFAULT_POLICY.freeRequestsPerWindow,
    rateWindowMs: positiveInt(env.OPENROUTER_RATE_WINDOW_MS, 'OPENROUTER_RATE_WINDOW_MS') ?? DEFAULT_POLICY.rateWindowMs,
  };
}

function positiveInt(v: string | undefined, name: string): number | undefined {
  if (v === undefined || v.trim() === '') return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`${name} must be a positive integer, got "${v}"`);
  return n;
}

/** Tells a user how to supply the key, without printing anything of it. */
export function missingKeyMessage(what: string): string {
  return (
    `OPENROUTER_API_KEY is not set: ${what} needs your OpenRouter key.\n` +
    'Create one at https://openrouter.ai/keys and run e.g.\n' +
    '  OPENROUTER_API_KEY=sk-or-v1-... bun run <command>\n' +
    '(or put it in a .env file, which bun loads automatically).'
  );
}
