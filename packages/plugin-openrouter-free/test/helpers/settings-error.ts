import { PoolConfigError } from '@freepool/free-model-pool';
import { parseSettings } from '../../src/config.js';

/** The PoolConfigError parseSettings throws for `raw`; fails the test when it throws nothing or something else. */
export function settingsError(raw: Record<string, unknown>): PoolConfigError {
  try {
    parseSettings(raw);
  } catch (e) {
    if (PoolConfigError.isInstance(e)) return e;
    throw e;
  }
  throw new Error('expected parseSettings to throw');
}
