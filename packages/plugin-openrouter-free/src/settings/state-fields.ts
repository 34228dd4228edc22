import { z } from 'zod';
import { asText } from './fields.js';

/** Longest one operation on the shared pool state may take before the pool serves from local state, ms. */
export const DEFAULT_STATE_TIMEOUT_MS = 1_000;
/** While the shared pool state is unreachable, how often it is tried again, ms. */
export const DEFAULT_STATE_RETRY_MS = 5_000;

/**
 * A Postgres connection URL (`postgres://` or `postgresql://`). It may carry a password, so an
 * error never echoes it.
 */
export const postgresUrl = z.preprocess(
  asText,
  z
    .string()
    .optional()
    .refine((s) => s === undefined || (/^postgres(ql)?:\/\//i.test(s) && canParse(s)), {
      message: 'expected a Postgres URL such as postgres://user:password@host:5432/database (the value is not repeated here: it may hold a password)',
    }),
);

function canParse(s: string): boolean {
  try {
    new URL(s);
    return true;
  } catch {
    return false;
  }
}

/** Where the pool's shared state lives and how long to wait for it. */
export interface SharedStateSettings {
  /** OPENROUTER_STATE_URL: a Postgres shared by every process on the key (else the agent's own database). */
  url?: string;
  timeoutMs: number;
  retryMs: number;
}

export function sharedStateSettings(s: { OPENROUTER_STATE_URL?: string; OPENROUTER_STATE_TIMEOUT_MS?: number; OPENROUTER_STATE_RETRY_MS?: number }): SharedStateSettings {
  return {
    ...(asText(s.OPENROUTER_STATE_URL) ? { url: asText(s.OPENROUTER_STATE_URL) } : {}),
    timeoutMs: s.OPENROUTER_STATE_TIMEOUT_MS ?? DEFAULT_STATE_TIMEOUT_MS,
    retryMs: s.OPENROUTER_STATE_RETRY_MS ?? DEFAULT_STATE_RETRY_MS,
  };
}

/** A URL fit for a log line: the password replaced. */
export function describeUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return 'the configured database';
  }
}
