import { DEFAULT_POLICY } from '@freepool/free-model-pool';
import { parseSettings, SETTING_KEYS, type PluginSettings } from '../../packages/plugin-openrouter-free/src/config.js';
import type { Env } from './io.js';
import { UsageError } from './io.js';

/**
 * The scripts read the same settings as the plugin, through the plugin's own parser: a value the
 * agent would refuse (OPENROUTER_FREE_RPM=1e3, a base URL without a scheme) is refused here too,
 * with the same message.
 */
export function settingsFrom(env: Env): PluginSettings {
  const raw: Record<string, unknown> = {};
  for (const key of SETTING_KEYS) raw[key] = env[key];
  try {
    return parseSettings(raw);
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
}

/** OPENROUTER_BASE_URL, normalised as the engine uses it; default https://openrouter.ai/api/v1. */
export function baseUrlFrom(env: Env): string {
  return settingsFrom(env).baseURL;
}

/** The key, or undefined when unset or blank. */
export function apiKeyFrom(env: Env): string | undefined {
  return settingsFrom(env).apiKey;
}

/** Account pacing from OPENROUTER_FREE_RPM / OPENROUTER_RATE_WINDOW_MS, with the engine's defaults. */
export function pacingFrom(env: Env): { freeRequestsPerWindow: number; rateWindowMs: number } {
  const { policy } = settingsFrom(env);
  return {
    freeRequestsPerWindow: policy.freeRequestsPerWindow ?? DEFAULT_POLICY.freeRequestsPerWindow,
    rateWindowMs: policy.rateWindowMs ?? DEFAULT_POLICY.rateWindowMs,
  };
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
