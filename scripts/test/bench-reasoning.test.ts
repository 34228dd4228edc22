/**
 * The bench's "reasoning models" scenario at a smaller size: every variant runs with the pool, the
 * naive baseline and the fastest model alone, and lands in the report. What a person would notice
 * is checked (clean replies, calls per reply); the speed is what the bench itself reports.
 */
import { describe, expect, it } from 'vitest';
import { reasoningMarkdown, runReasoningBench } from '../bench/reasoning.js';
import { REASONING_VARIANTS } from '../bench/reasoning-models.js';

describe('bench: reasoning models', () => {
  it('the pool gives a clean reply to every message at about two calls each; the baseline passes the thinking on', async () => {
    const rows = await runReasoningBench(6);
    expect(rows).toHaveLength(REASONING_VARIANTS.length * 3);
    for (const variant of REASONING_VARIANTS) {
      const [pool, naive, fastest] = rows.filter((r) => r.variant === variant.title);
      expect(pool).toMatchObject({ client: 'free-model-pool', clean: 6, failed: 0 });
      expect(pool!.calls).toBeLessThanOrEqual(6 * 2 + 2);
      expect(naive!.client).toBe('naive in-order');
      expect(fastest!.clean).toBe(6);
    }
    // A model that spends its budget thinking first: the baseline hands its unclosed <think> on as the reply.
    const inText = rows.filter((r) => r.variant === 'Thinking in the text first');
    expect(inText[1]!.clean).toBe(0);
    const md = reasoningMarkdown(rows);
    expect(md).toContain('| Variant | Client | Clean replies | Reply p50 ms | Reply p95 ms | Calls / reply | Notes |');
    for (const v of REASONING_VARIANTS) expect(md).toContain(v.title);
  }, 120_000);
});
