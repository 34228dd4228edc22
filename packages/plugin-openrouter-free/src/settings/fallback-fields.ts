import { PoolConfigError, type CallPriority, type LastResortSettings } from '@freepool/free-model-pool';
import { SERVED_TYPES } from '../model-types.js';
import { clip, textField } from './fields.js';

/**
 * Fields of the settings that decide what happens at the day's wall: the reply reserve, per-type
 * priority overrides, the last resort and the notice.
 */

/** `OPENROUTER_DAILY_RESERVE`: a number of calls (`10`), a share of the daily limit (`20%`), or `0` (off). */
export type ReserveSetting = { calls: number } | { share: number };

export const reserve = textField<ReserveSetting>((s, fail) => {
  const percent = /^(\d+(?:\.\d+)?)\s*%$/.exec(s);
  if (percent) {
    const share = Number(percent[1]) / 100;
    return share < 1 ? { share } : fail(`expected a share below 100%, got "${clip(s)}"`);
  }
  if (/^\d+$/.test(s) && Number.isSafeInteger(Number(s))) return { calls: Number(s) };
  return fail(`expected a number of calls (e.g. 10), a share of the daily limit (e.g. 20%), or 0 to turn the reserve off, got "${clip(s)}"`);
});


/** `OPENROUTER_CALL_PRIORITY`: `TYPE=reply|background` pairs (TYPE: a served model type), comma-separated, e.g. `OBJECT_SMALL=background`. */
export const priorityOverrides = textField<Record<string, CallPriority>>((s, fail) => {
  const out: Record<string, CallPriority> = {};
  for (const part of s.split(',').map((p) => p.trim()).filter(Boolean)) {
    const m = /^([A-Z_]+)\s*=\s*(reply|background)$/i.exec(part);
    const type = m?.[1]!.toUpperCase();
    if (!m || !(SERVED_TYPES as readonly string[]).includes(type!)) {
      return fail(`expected TYPE=reply or TYPE=background pairs with TYPE one of ${SERVED_TYPES.join(', ')}, got "${clip(part)}"`);
    }
    out[type!] = m[2]!.toLowerCase() as CallPriority;
  }
  return out;
});

/**
 * `OPENROUTER_LAST_RESORT_HANDLER`: hand a call the free tier cannot answer to the next model
 * handler registered for its type: `true` (whichever is next by priority), a plugin name (e.g.
 * `openai`, `ollama`), or `false` (default).
 */
export const nextHandler = textField<string | false>((s) => {
  const v = s.toLowerCase();
  if (['false', '0', 'no', 'off'].includes(v)) return false;
  if (['true', '1', 'yes', 'on'].includes(v)) return '*';
  return s;
});

/** `OPENROUTER_NOTICE`, `OPENROUTER_BUSY_NOTICE`: a text, or `off` to post nothing. */
export const noticeText = textField<string | false>((s) => (['off', 'false', 'no', '0', 'none'].includes(s.toLowerCase()) ? false : s));

/** The engine's last resort from OPENROUTER_LAST_RESORT_*: the URL and the model go together. */
export function lastResortSettings(s: {
  OPENROUTER_LAST_RESORT_URL?: string;
  OPENROUTER_LAST_RESORT_MODEL?: string;
  OPENROUTER_LAST_RESORT_API_KEY?: string;
  OPENROUTER_LAST_RESORT_TIMEOUT_MS?: number;
}): LastResortSettings | undefined {
  const url = s.OPENROUTER_LAST_RESORT_URL;
  const model = s.OPENROUTER_LAST_RESORT_MODEL;
  if (url === undefined && model === undefined) return undefined;
  if (url === undefined || model === undefined) {
    const missing = url === undefined ? 'OPENROUTER_LAST_RESORT_URL' : 'OPENROUTER_LAST_RESORT_MODEL';
    throw new PoolConfigError(
      missing,
      `${missing} is not set: a last resort needs both OPENROUTER_LAST_RESORT_URL (an OpenAI-compatible server such as http://127.0.0.1:11434/v1) and OPENROUTER_LAST_RESORT_MODEL (a model it serves, such as llama3.2).`,
    );
  }
  return {
    baseURL: url,
    model,
    ...(s.OPENROUTER_LAST_RESORT_API_KEY ? { apiKey: s.OPENROUTER_LAST_RESORT_API_KEY } : {}),
    ...(s.OPENROUTER_LAST_RESORT_TIMEOUT_MS ? { timeoutMs: s.OPENROUTER_LAST_RESORT_TIMEOUT_MS } : {}),
  };
}
