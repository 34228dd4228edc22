import type { ModelHealth } from '@freepool/free-model-pool';

// Values into and out of the shared state's SQL text (every number and string the ledger writes
// passes through one of these, so nothing reaches the database unchecked), and times between clocks.

/** A model's health with every absolute time moved by `shift` ms (0 times stay 0: "never"). */
export function shiftHealth(h: ModelHealth, shift: number): ModelHealth {
  const move = (t: number | undefined) => (t === undefined || t === 0 ? t : t + shift);
  const out: ModelHealth = { ...h, cooldownUntil: move(h.cooldownUntil)!, updatedAt: move(h.updatedAt)! };
  if (h.recentCalls) out.recentCalls = h.recentCalls.map((t) => t + shift);
  if (h.capacityLearnedAt !== undefined) out.capacityLearnedAt = move(h.capacityLearnedAt);
  if (h.latencyAt !== undefined) out.latencyAt = move(h.latencyAt);
  if (h.capacityBeforeFailures?.capacityLearnedAt !== undefined) {
    out.capacityBeforeFailures = { ...h.capacityBeforeFailures, capacityLearnedAt: move(h.capacityBeforeFailures.capacityLearnedAt) };
  }
  return out;
}

export function ms(column: string): string {
  return `(extract(epoch from ${column}) * 1000)::float8`;
}
export function ts(epochMs: number): string {
  return `to_timestamp(${Number(epochMs) / 1000})`;
}
export function num(v: unknown): number | undefined {
  if (v === null || v === undefined) return undefined;
  const n = typeof v === 'number' ? v : Number(v);
  return Number.isFinite(n) ? n : undefined;
}
export function sqlNum(v: number | undefined): string {
  return v === undefined ? 'NULL' : String(int(v));
}
/** A whole number for SQL text; anything else is a bug, refused before it reaches the database. */
export function int(v: number): number {
  if (!Number.isFinite(v)) throw new Error(`not a finite number: ${v}`);
  return Math.round(Math.min(v, Number.MAX_SAFE_INTEGER));
}
/** A SQL string literal (standard_conforming_strings, the default since PostgreSQL 9.1). */
export function lit(s: string): string {
  if (s.includes('\0')) throw new Error('NUL in a SQL literal');
  return `'${s.replace(/'/g, "''")}'`;
}
