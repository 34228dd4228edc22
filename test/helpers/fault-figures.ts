import { deepSerialise } from './deep-serialise.js';

/**
 * The last line a fault child prints: its figures as one JSON line, plus how often the key appears
 * in everything it caught, serialised deeply. The parent reads it with `lastJsonLine`.
 */
export function printFigures(figures: Record<string, unknown>, caught: unknown[], key: string): void {
  const text = deepSerialise(caught);
  console.log(JSON.stringify({ ...figures, keyHits: text.split(key).length - 1 }));
}
