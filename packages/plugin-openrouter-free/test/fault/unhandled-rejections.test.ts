import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { DEFAULT_CATALOG_PATH } from '@freepool/openrouter-simulator';
import { lastJsonLine, runInNode } from '../../../../test/helpers/node-child.js';

const PACKAGE_DIR = fileURLToPath(new URL('../..', import.meta.url));
const CHILD = fileURLToPath(new URL('./plugin-fault-child.ts', import.meta.url));

describe('a faulty free tier cannot take the agent down', () => {
  it("300 faulted useModel(TEXT_SMALL, {stream: true}) calls in a real AgentRuntime: a handler-less Node process exits 0", async () => {
    const child = await runInNode(CHILD, {
      packageDir: PACKAGE_DIR,
      env: { SIM_CATALOG: DEFAULT_CATALOG_PATH, FAULT_ROUNDS: '300', LOG_LEVEL: 'fatal' },
    });
    expect(child.stderr).not.toMatch(/AI_APICallError|Failed to process/);
    expect(child.code, child.stderr.slice(-2000)).toBe(0);
    const f = lastJsonLine<{ rounds: number; calls: number; byStatus: Record<string, number>; ok: number; failed: number; untyped: number; keyHits: number }>(child.stdout);
    for (const status of ['200-malformed', '200-truncated', '200-reset', '200-stream-error']) expect(f.byStatus[status], status).toBeGreaterThan(0);
    expect(f.ok + f.failed).toBe(f.rounds);
    expect(f.untyped).toBe(0);
    // Faults before the first chunk rotated to another model: more calls than requests.
    expect(f.calls).toBeGreaterThan(f.rounds);
    expect(f.ok).toBeGreaterThan(f.rounds / 2);
    expect(f.keyHits).toBe(0);
  });
});
