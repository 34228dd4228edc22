import type { Specialty } from './specialists.js';

/**
 * The order inside a tier, in one place: general models first, then specialists (specialists.ts),
 * each group by score. A specialist the user has said is fine for them (`allowSpecialists`, the
 * plugin's OPENROUTER_ALLOW_SPECIALISTS) ranks as a general model, by its score alone.
 */

/** What ranking reads of a model: its score and, for a specialist, its kind. */
export interface Rankable {
  id: string;
  score: number;
  specialty?: Specialty;
}

/** True when the model waits behind the general models of its tier. */
export function ranksBehind(specialty: Specialty | undefined, allow: readonly Specialty[] = []): boolean {
  return specialty !== undefined && !allow.includes(specialty);
}

/** Score descending, then id ascending, so equal scores keep a stable order. */
export function compareByScore(a: { id: string; score: number }, b: { id: string; score: number }): number {
  return b.score - a.score || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

/** Best first for chat: general (and allowed) models before the other specialists, then by score. */
export function compareForChat(allow: readonly Specialty[] = []): (a: Rankable, b: Rankable) => number {
  return (a, b) => Number(ranksBehind(a.specialty, allow)) - Number(ranksBehind(b.specialty, allow)) || compareByScore(a, b);
}

/**
 * Moves the specialists of an already ordered list (a measured order, say) behind its general
 * models, keeping the order inside each group. Ids without facts count as general.
 */
export function specialistsLast(ids: readonly string[], facts: (id: string) => Rankable | undefined, allow: readonly Specialty[] = []): string[] {
  const behind = (id: string) => ranksBehind(facts(id)?.specialty, allow);
  return [...ids.filter((id) => !behind(id)), ...ids.filter(behind)];
}
