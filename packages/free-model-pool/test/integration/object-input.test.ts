import { afterEach, describe, expect, it } from 'vitest';
import { PoolConfigError, type ObjectRequest } from '@freepool/free-model-pool';
import { startHarness, type Harness } from './helpers.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.sim.close();
  h = undefined;
});

describe('object requests the caller got wrong', () => {
  it('an unknown output kind is refused before any call (no model is called, none is cooled down)', async () => {
    h = await startHarness();
    const request = { tier: 'small', prompt: 'Give me JSON', output: 'json' } as unknown as ObjectRequest;
    const err = await h.pool.generateObject(request).catch((e) => e);
    expect(PoolConfigError.isInstance(err)).toBe(true);
    expect(err.setting).toBe('output');
    expect(err.message).toMatch(/"json"/);
    expect(err.message).toMatch(/object, array, enum, no-schema/);
    expect(h.sim.stats().total).toBe(0);
    expect(h.pool.health('small').every((m) => m.health === undefined)).toBe(true);
  });

  it('enumValues without an output kind still restricts the answer to those values', async () => {
    h = await startHarness();
    const r = await h.pool.generateObject({ tier: 'small', prompt: 'Pick one', enumValues: ['yes', 'no'] });
    expect(['yes', 'no']).toContain(r.value.object);
  });
});
