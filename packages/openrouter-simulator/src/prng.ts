/** mulberry32: a tiny seeded PRNG so every "random" choice of the simulator is reproducible. */
export type Random = () => number;

export function createRandom(seed: number): Random {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** True with probability `rate`; draws from the PRNG only when the rate is non-zero, so adding a
 * zero-rate field to a scenario does not shift every later random choice. */
export function chance(random: Random, rate: number | undefined): boolean {
  if (!rate || rate <= 0) return false;
  if (rate >= 1) return true;
  return random() < rate;
}

export function pickLatency(random: Random, latency: number | [number, number] | undefined): number {
  if (latency === undefined) return 0;
  if (typeof latency === 'number') return latency;
  const [min, max] = latency;
  return Math.round(min + random() * (max - min));
}

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
export function randomToken(random: Random, length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) out += ALPHABET[Math.floor(random() * ALPHABET.length)];
  return out;
}
