/**
 * The first minute of a new user: no OPENROUTER_API_KEY. The agent starts with one warning, and every
 * message gets a short notice that says the key is missing and where to set it, through the core's
 * message service (the path of the web chat and the messaging API), instead of an error.
 */
import { ChannelType, type AgentRuntime } from '@elizaos/core';
import bootstrapPlugin from '@elizaos/plugin-bootstrap';
import openrouterFreePlugin from '@freepool/plugin-openrouter-free';
import { startSimulator, type Simulator } from '@freepool/openrouter-simulator';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { openRoom, sendMessage } from './helpers/conversation.js';
import { captureWarnings, FAST_SETTINGS, startRuntime, stopRuntime } from './helpers/runtime.js';

/** What the person reads: the cause, the setting, where it goes, and where a key comes from. */
const NOTICE = /^This agent cannot answer yet: it has no OpenRouter API key\. Set OPENROUTER_API_KEY in the project's \.env file .* and restart the agent\. .*https:\/\/openrouter\.ai\/keys\.$/;

let sim: Simulator;
let runtime: AgentRuntime | undefined;
let savedKey: string | undefined;
beforeAll(async () => {
  savedKey = process.env.OPENROUTER_API_KEY;
  delete process.env.OPENROUTER_API_KEY;
  sim = await startSimulator();
});
afterAll(async () => {
  if (savedKey !== undefined) process.env.OPENROUTER_API_KEY = savedKey;
  await sim?.close();
});
afterEach(async () => {
  await stopRuntime(runtime);
  runtime = undefined;
});

async function start(settings: Record<string, string> = {}, warnings: string[] = []) {
  runtime = await startRuntime(
    { OPENROUTER_BASE_URL: sim.baseURL, ...FAST_SETTINGS, ...settings },
    { plugins: [openrouterFreePlugin, bootstrapPlugin], beforeInit: captureWarnings(warnings) },
  );
  return runtime;
}

describe('no OPENROUTER_API_KEY: a notice in the conversation, not an error', () => {
  it('a direct message gets the notice, streamed or not; one start-up warning says the same; nothing is called', async () => {
    const warnings: string[] = [];
    const runtime = await start({}, warnings);
    const room = await openRoom(runtime, ChannelType.DM);
    for (const stream of [false, true]) {
      const replies = await sendMessage(runtime, room, stream ? 'hello, streaming' : 'hello', { stream });
      expect(replies, `stream=${stream}`).toHaveLength(1);
      expect(String(replies[0]!.text)).toMatch(NOTICE);
    }
    const keyWarnings = warnings.filter((w) => w.includes('OPENROUTER_API_KEY'));
    expect(keyWarnings).toHaveLength(1);
    expect(keyWarnings[0]).toMatch(/^OPENROUTER_API_KEY is not set: .*notice.*\.env/);
    expect(sim.stats().total).toBe(0);
  }, 60_000);

  it('in a group room the should-respond check answers RESPOND, so the notice is posted there too', async () => {
    const runtime = await start();
    const room = await openRoom(runtime, ChannelType.GROUP);
    const replies = await sendMessage(runtime, room, 'anyone here?');
    expect(replies).toHaveLength(1);
    expect(String(replies[0]!.text)).toMatch(NOTICE);
  }, 60_000);

  it('OPENROUTER_NOTICE=off silences the daily-cap notice, not this one: without it the person would get an error', async () => {
    const runtime = await start({ OPENROUTER_NOTICE: 'off' });
    const room = await openRoom(runtime, ChannelType.DM);
    const replies = await sendMessage(runtime, room, 'hello');
    expect(String(replies[0]?.text)).toMatch(NOTICE);
  }, 60_000);
});
