import { ChannelType, type AgentRuntime } from '@elizaos/core';
import bootstrapPlugin from '@elizaos/plugin-bootstrap';
import openrouterFreePlugin from '@freepool/plugin-openrouter-free';
import { startSimulator, type Simulator } from '@freepool/openrouter-simulator';
import { afterEach, describe, expect, it } from 'vitest';
import { handleStatus } from '../src/routes/status.js';
import { openRoom, recordModelCalls, sendMessage } from './helpers/conversation.js';
import { captureWarnings, FAKE_KEY, FAST_SETTINGS, PINNED_POOLS, startRuntime, stopRuntime } from './helpers/runtime.js';

const NOTICE = /^The free models for this agent have used today's quota\. They answer again at 00:00 UTC \(in (\d+ h( \d+ min)?|\d+ min|less than a minute)\)\.$/;

let sim: Simulator | undefined;
let runtime: AgentRuntime | undefined;
afterEach(async () => {
  await stopRuntime(runtime);
  await sim?.close();
  runtime = undefined;
  sim = undefined;
});

async function start(daily: number, settings: Record<string, string> = {}, warnings?: string[]) {
  sim = await startSimulator({ apiKey: FAKE_KEY, scenario: { account: { perMinute: 1000, daily } } });
  runtime = await startRuntime(
    { OPENROUTER_API_KEY: FAKE_KEY, OPENROUTER_BASE_URL: sim.baseURL, ...FAST_SETTINGS, ...PINNED_POOLS, ...settings },
    { plugins: [openrouterFreePlugin, bootstrapPlugin], ...(warnings ? { beforeInit: captureWarnings(warnings) } : {}) },
  );
  return { sim, runtime, calls: recordModelCalls(runtime) };
}

describe("the day's wall, through the core's message service and plugin-bootstrap", () => {
  it('replies get the last free calls, reflection yields to the reserve without breaking its message, and past the cap every message gets the notice', async () => {
    const warnings: string[] = [];
    const { sim, runtime, calls } = await start(12, { OPENROUTER_DAILY_RESERVE: '6' }, warnings);
    const room = await openRoom(runtime, ChannelType.DM);
    const answers: string[] = [];
    for (let i = 0; i < 16; i++) {
      const replies = await sendMessage(runtime, room, `message ${i}`, { stream: i % 2 === 1 });
      expect(replies, `message ${i}`).toHaveLength(1); // never silent
      answers.push(String(replies[0]!.text));
    }
    // 12 free calls, all spent on replies: the reflection of message 9 was held (6 left <= reserve 6).
    expect(sim.stats().total).toBe(12);
    expect(answers.slice(0, 12).every((a) => a.startsWith('Simulated reply'))).toBe(true);
    for (const a of answers.slice(12)) expect(a).toMatch(NOTICE);
    // Reflection comes due at message 9; refused, it stays due and is asked again with each message,
    // and each time it is refused without a call.
    const reflection = calls.filter((c) => c.purpose === 'evaluator REFLECTION');
    expect(reflection.length).toBeGreaterThan(0);
    expect(reflection.every((c) => c.modelType === 'TEXT_SMALL' && c.priority === 'background')).toBe(true);
    expect(calls.filter((c) => c.priority === 'reply').map((c) => c.purpose)).toEqual(Array(16).fill('reply'));
    expect(warnings.join('\n')).toMatch(/reserve_held|held for replies/);
    expect(JSON.stringify(answers)).not.toContain(FAKE_KEY);
    // The status route shows the reserve and the notices sent.
    let body: any;
    const res = { status: () => res, json: (b: unknown) => void (body = b) };
    await handleStatus({} as never, res as never, runtime);
    expect(body.daily).toMatchObject({ limit: 12, remaining: 0, reserve: 6, reserveInForce: true });
    expect(body.lastResort).toMatchObject({ endpoint: null, handler: null, notice: true, notices: 4 });
  }, 60_000);

  it('in a group room the should-respond check fails over to the notice too; OPENROUTER_NOTICE sets the text', async () => {
    const { sim, runtime } = await start(1, { OPENROUTER_NOTICE: 'Out of free calls until {time} UTC ({in}).' });
    const room = await openRoom(runtime, ChannelType.GROUP);
    const first = await sendMessage(runtime, room, 'hi all'); // should-respond takes the one call
    const second = await sendMessage(runtime, room, 'anyone?');
    expect(first.length + second.length).toBeGreaterThanOrEqual(1);
    expect(String(second[0]?.text)).toMatch(/^Out of free calls until 00:00 UTC \(.+\)\.$/);
    expect(sim.stats().total).toBe(1);
  }, 30_000);

  it('OPENROUTER_NOTICE=off: past the cap the message fails as before (no notice is invented)', async () => {
    const { sim, runtime } = await start(1, { OPENROUTER_NOTICE: 'off' });
    const room = await openRoom(runtime, ChannelType.DM);
    await sendMessage(runtime, room, 'one');
    await expect(sendMessage(runtime, room, 'two')).rejects.toMatchObject({ reason: 'account_daily_limit' });
    expect(sim.stats().total).toBe(1);
  }, 30_000);
});
