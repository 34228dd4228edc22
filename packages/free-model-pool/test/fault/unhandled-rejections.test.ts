import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { DEFAULT_CATALOG_PATH } from '@freepool/openrouter-simulator';
import { lastJsonLine, runInNode } from '../../../../test/helpers/node-child.js';

const PACKAGE_DIR = fileURLToPath(new URL('../..', import.meta.url));
const CHILD = fileURLToPath(new URL('./engine-fault-child.ts', import.meta.url));

interface Figures {
  rounds: number;
  calls: number;
  byStatus: Record<string, number>;
  ok: number;
  failed: number;
  untyped: number;
  cut: number;
  abandoned: number;
  lost: number;
  keyHits: number;
}

describe('a faulty free tier cannot take the process down', () => {
  it('300 streams and text calls under malformed chunks, mid-stream errors, resets and truncations: a handler-less Node process exits 0', async () => {
    const child = await runInNode(CHILD, { packageDir: PACKAGE_DIR, env: { SIM_CATALOG: DEFAULT_CATALOG_PATH, FAULT_ROUNDS: '300' } });
    // The figures go to stdout; an unhandled rejection would print its stack to stderr and exit 1.
    expect(child.stderr).not.toMatch(/Unhandled|AI_APICallError|Failed to process/);
    expect(child.code, child.stderr).toBe(0);
    const f = lastJsonLine<Figures>(child.stdout);
    // Every fault kind really happened.
    for (const status of ['200-malformed', '200-truncated', '200-reset', 'reset', '200-stream-error']) {
      expect(f.byStatus[status], status).toBeGreaterThan(0);
    }
    // Every request settled, each failure was a typed pool error, and a cut-off answer said so.
    expect(f.lost).toBe(0);
    expect(f.untyped).toBe(0);
    expect(f.ok + f.failed + f.abandoned).toBe(f.rounds);
    expect(f.cut).toBeGreaterThan(0);
    expect(f.ok).toBeGreaterThan(f.rounds / 2);
    expect(f.keyHits).toBe(0);
  });
});
