import { getEventListeners } from 'node:events';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterEach, describe, expect, it } from 'vitest';
import type { TextRequest } from '@freepool/free-model-pool';
import { startHarness, type Harness } from './helpers.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

let h: Harness | undefined;
afterEach(async () => {
  await h?.sim.close();
  h = undefined;
});

/** Runs full GC cycles until `ref` is collected (or gives up): no timing, only reachability. */
async function collected(ref: WeakRef<object>): Promise<boolean> {
  for (let i = 0; i < 20 && ref.deref() !== undefined; i++) {
    await new Promise((r) => setImmediate(r));
    gc();
  }
  return ref.deref() === undefined;
}

describe('one long-lived AbortSignal reused for many streams', () => {
  it('a finished stream leaves nothing attached to the caller signal, so it can be garbage collected', async () => {
    // No event listener: the harness's event log would itself keep every stream's outcome alive.
    h = await startHarness({}, { pool: { onEvent: undefined } });
    const caller = new AbortController(); // e.g. an agent's shutdown signal, passed to every request
    const runOne = async (): Promise<WeakRef<object>> => {
      const request: TextRequest = { tier: 'small', prompt: 'hello', abortSignal: caller.signal };
      const s = h!.pool.streamText(request);
      for await (const _ of s.textStream) {
        // read to the end
      }
      await s.outcome;
      return new WeakRef(request);
    };
    const refs: WeakRef<object>[] = [];
    for (let i = 0; i < 3; i++) refs.push(await runOne());
    for (const ref of refs) expect(await collected(ref)).toBe(true);
    expect(getEventListeners(caller.signal, 'abort')).toHaveLength(0);
  });

  it('the same long-lived signal still stops a stream that is running', async () => {
    h = await startHarness({ models: {} });
    const caller = new AbortController();
    for (let i = 0; i < 2; i++) {
      const s = h.pool.streamText({ tier: 'small', prompt: `warm-up ${i}`, abortSignal: caller.signal });
      await s.outcome;
    }
    const s = h.pool.streamText({ tier: 'small', prompt: 'hello', abortSignal: caller.signal });
    const it = s.textStream[Symbol.asyncIterator]();
    await it.next(); // the first chunk arrived: the stream has started
    caller.abort();
    await expect(s.outcome).rejects.toMatchObject({ name: 'PoolAbortedError' });
  });
});
