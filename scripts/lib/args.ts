import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError, type ScriptIo } from './io.js';

type Options = NonNullable<ParseArgsConfig['options']>;

/** node:util parseArgs, strict, with its errors turned into UsageError (exit 2, not a stack trace). */
type Values<O extends Options> = ReturnType<typeof parseArgs<{ args: string[]; options: O; strict: true; allowPositionals: false }>>['values'];

export function parseCli<O extends Options>(argv: string[], options: O): Values<O> {
  try {
    return parseArgs({ args: argv, options, strict: true, allowPositionals: false }).values;
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
}

/** A positive integer option, or undefined when absent. */
export function intOption(value: unknown, name: string, min = 1): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) throw new UsageError(`--${name} must be an integer ≥ ${min}, got "${String(value)}"`);
  return n;
}

/** `--now` as an ISO date/time or epoch ms; undefined when absent. */
export function timeOption(value: unknown, name: string): number | undefined {
  if (value === undefined) return undefined;
  const s = String(value);
  const t = /^\d+$/.test(s) ? Number(s) : Date.parse(s);
  if (!Number.isFinite(t)) throw new UsageError(`--${name} must be an ISO date (2026-05-01) or epoch ms, got "${s}"`);
  return t;
}

/** A comma-separated list option. */
export function listOption(value: unknown): string[] | undefined {
  if (value === undefined) return undefined;
  return String(value)
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

/**
 * Runs a script's option parsing. A bad option prints the message and the usage and gives exit code
 * 2; `--help` prints the usage and gives 0; otherwise the parsed options come back.
 */
export function parseOrExit<T extends { help?: boolean }>(io: ScriptIo, usage: string, parse: () => T): T | number {
  let parsed: T;
  try {
    parsed = parse();
  } catch (e) {
    io.err(`${(e as Error).message}\n\n${usage}`);
    return 2;
  }
  if (parsed.help) {
    io.out(usage);
    return 0;
  }
  return parsed;
}
