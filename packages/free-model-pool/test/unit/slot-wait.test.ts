import { describe, expect, it } from 'vitest';
import { SlotLine } from '../../src/account/slot-line.js';
import { waitForSlot, type Look } from '../../src/account/slot-wait.js';
import { sleep, WaitQueue } from '../../src/limits/index.js';

type Result = { slot: string } | { withdrawn: true };

/**
 * Two takes of one process in line for the same account (two agents on one key): the one that waits
 * is handed the slot the newcomer obtains. Between the hand-over and its return, what the waiting
 * take's `wanted` reads can change: in a fleet, another agent's link brings in the cooldown another
 * process set. The slot must then not be used for the model that is no longer wanted.
 */
describe('waitForSlot: the slot goes to a take that still wants it', () => {
  // The takes' clock: the test moves it, so the first take has waited longer than the second.
  let clock = Date.now();
  const now = () => clock;
  const options = (line: SlotLine, waits: WaitQueue, wanted: () => boolean, released: string[]) => ({
    now,
    waits,
    line,
    priorityRank: 0,
    maxWaitMs: 60_000,
    wanted,
    isSlot: (r: Result) => 'slot' in r,
    withdrawn: { withdrawn: true } as const,
    release: (r: Result) => {
      if ('slot' in r) released.push(r.slot);
    },
  });

  it('a slot handed to a take that no longer wants it goes to the next in line, not to the model it was for', async () => {
    const line = new SlotLine();
    const waits = new WaitQueue(now, sleep);
    const released: string[] = [];
    let firstWants = true;
    // The first take finds the window full (it opens in 5 s) and waits in line.
    const waitLook = (): Look<Result> => ({ wait: { opensAt: clock + 5_000, limit: 1 } });
    const first = waitForSlot<Result>(waitLook, options(line, waits, () => firstWants, released));
    clock += 1;

    // The second take obtains a slot, which goes to the first (it waited longer and still wants one);
    // its next look learns that the first take's model was cooled meanwhile, then finds the window full.
    let looks = 0;
    const secondLook = (): Look<Result> => {
      looks++;
      if (looks === 1) return { done: { slot: 'S1' } };
      firstWants = false;
      return looks === 2 ? { wait: { opensAt: clock + 5_000, limit: 1 } } : { done: { slot: 'S2' } };
    };
    const second = waitForSlot<Result>(secondLook, options(line, waits, () => true, released));

    const [a, b] = await Promise.all([first, second]);
    expect(a, 'the first take, whose model was cooled after the hand-over').toMatchObject({ done: { withdrawn: true } });
    expect(b, 'the second take gets the slot instead').toMatchObject({ done: { slot: 'S1' } });
    expect(released).toEqual([]);
  });

  it("a take's own slot, when it is no longer wanted once taken, is given back", async () => {
    const line = new SlotLine();
    const waits = new WaitQueue(now, sleep);
    const released: string[] = [];
    let wanted = true;
    // The look takes the slot; the reservation's answer carries news that the model is cooled.
    const look = (): Look<Result> => {
      wanted = false;
      return { done: { slot: 'S1' } };
    };
    const r = await waitForSlot<Result>(look, options(line, waits, () => wanted, released));
    expect(r).toMatchObject({ done: { withdrawn: true } });
    expect(released).toEqual(['S1']);
  });
});
