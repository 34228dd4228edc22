import { ChannelType, type AgentRuntime } from '@elizaos/core';
import bootstrapPlugin from '@elizaos/plugin-bootstrap';
import openrouterFreePlugin from '@freepool/plugin-openrouter-free';
import { startSimulator, type Simulator } from '@freepool/openrouter-simulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openRoom, recordModelCalls, sendMessage, type RecordedCall } from './helpers/conversation.js';
import { FAKE_KEY, FAST_SETTINGS, PINNED_POOLS, startRuntime, stopRuntime } from './helpers/runtime.js';

/** `TEXT_LARGE reply (reply)` lines, counted: what one message costs, as the docs' table says. */
function tally(calls: RecordedCall[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const c of calls) {
    const key = `${c.modelType} ${c.purpose} (${c.priority})`;
    out[key] = (out[key] ?? 0) + 1;
  }
  return out;
}

describe('what one message costs (@elizaos/core 1.7.2, plugin-bootstrap 1.7.2, a real AgentRuntime)', () => {
  let sim: Simulator;
  let runtime: AgentRuntime;
  let calls: RecordedCall[];

  beforeAll(async () => {
    sim = await startSimulator({ apiKey: FAKE_KEY, scenario: { account: { perMinute: 1000 } } });
    runtime = await startRuntime(
      { OPENROUTER_API_KEY: FAKE_KEY, OPENROUTER_BASE_URL: sim.baseURL, ...FAST_SETTINGS, ...PINNED_POOLS },
      { plugins: [openrouterFreePlugin, bootstrapPlugin] },
    );
    calls = recordModelCalls(runtime);
  }, 30_000);
  afterAll(async () => {
    await stopRuntime(runtime);
    await sim?.close();
  });

  it('a direct message: one TEXT_LARGE reply, no should-respond check; every call is one free call', async () => {
    const room = await openRoom(runtime, ChannelType.DM);
    calls.length = 0;
    const before = sim.stats().total;
    const replies = await sendMessage(runtime, room, 'hello there');
    expect(replies).toHaveLength(1);
    expect(tally(calls)).toEqual({ 'TEXT_LARGE reply (reply)': 1 });
    expect(sim.stats().total - before).toBe(calls.length);
  });

  it('a group room: a TEXT_SMALL should-respond check on the reply path, then the TEXT_LARGE reply', async () => {
    const room = await openRoom(runtime, ChannelType.GROUP);
    calls.length = 0;
    const replies = await sendMessage(runtime, room, 'hello everyone');
    expect(replies).toHaveLength(1);
    expect(tally(calls)).toEqual({ 'TEXT_SMALL should-respond (reply)': 1, 'TEXT_LARGE reply (reply)': 1 });
  });

  it('reflection (facts and relationships) runs as background work every few messages of a conversation', async () => {
    const room = await openRoom(runtime, ChannelType.DM);
    calls.length = 0;
    const perMessage: Array<Record<string, number>> = [];
    for (let i = 0; i < 12; i++) {
      const start = calls.length;
      await sendMessage(runtime, room, `message ${i}: I like tea number ${i}`);
      perMessage.push(tally(calls.slice(start)));
    }
    const reflections = perMessage.filter((t) => t['TEXT_SMALL evaluator REFLECTION (background)'] === 1).length;
    // conversationLength 32 by default: reflection when more than 8 messages are new since the last one.
    expect(reflections).toBe(1);
    expect(perMessage.every((t) => t['TEXT_LARGE reply (reply)'] === 1)).toBe(true);
    expect(calls.filter((c) => c.priority === 'background').every((c) => c.purpose.startsWith('evaluator'))).toBe(true);
    console.log('per message:', JSON.stringify(perMessage));
  });
});
