/** The bench's "day" scenario at a smaller size: the three runs keep their shape. */
import { describe, expect, it } from 'vitest';
import { runDay } from '../bench/day.js';

describe('bench: a day at the 50-call cap', () => {
  it('before: messages past the cap are left silent; with the notice none is; with a last resort they are answered', async () => {
    const before = await runDay('before', 30);
    expect(before).toMatchObject({ messages: 30, answeredNotice: 0, answeredLastResort: 0, wastedOnErrors: 0 });
    expect(before.silent).toBe(30 - before.answeredFree);
    expect(before.silent).toBeGreaterThan(0);

    const notice = await runDay('reserve+notice', 30);
    expect(notice).toMatchObject({ silent: 0, backgroundInReserve: 0, wastedOnErrors: 0, answeredLastResort: 0 });
    expect(notice.answeredFree + notice.answeredNotice).toBe(30);

    const local = await runDay('reserve+notice+last resort', 30);
    expect(local).toMatchObject({ silent: 0, backgroundInReserve: 0, wastedOnErrors: 0, answeredNotice: 0 });
    expect(local.answeredFree + local.answeredLastResort).toBe(30);
    expect(local.freeCalls).toBeLessThanOrEqual(50);
  }, 120_000);
});
