import { ChannelType, ModelType, type AgentRuntime } from '@elizaos/core';
import bootstrapPlugin from '@elizaos/plugin-bootstrap';
import openaiPlugin from '@elizaos/plugin-openai';
import openrouterFreePlugin from '@freepool/plugin-openrouter-free';
import { startSimulator, type Simulator } from '@freepool/openrouter-simulator';
import { afterEach, describe, expect, it } from 'vitest';
import { handleStatus } from '../src/routes/status.js';
import { openRoom, sendMessage } from './helpers/conversation.js';
import { FAKE_KEY, FAST_SETTINGS, PINNED_POOLS, startRuntime, stopRuntime } from './helpers/runtime.js';

/** What the loopback "local server" calls its model; its replies name it. */
const LOCAL_MODEL = 'meta-llama/llama-3.3-70b-instruct:free';
const OPENAI_FAKE_KEY = 'sk-FAKE-openai-plugin-key-0000-LEAKCHECK';

let sim: Simulator | undefined;
let local: Simulator | undefined;
let runtime: AgentRuntime | undefined;
afterEach(async () => {
  await stopRuntime(runtime);
  await sim?.close();
  await local?.close();
  runtime = sim = local = undefined;
});

/** The status route's JSON, as the panel reads it. */
async function status(rt: AgentRuntime): Promise<any> {
  let body: unknown;
  const res = { status: () => res, json: (b: unknown) => void (body = b) };
  await handleStatus({} as never, res as never, rt);
  return body;
}

describe('past the daily cap, a last resort answers', () => {
  it('OPENROUTER_LAST_RESORT_HANDLER=openai: @elizaos/plugin-openai (npm) on a loopback server gets the reply, and OpenRouter is not called again', async () => {
    sim = await startSimulator({ apiKey: FAKE_KEY, scenario: { account: { perMinute: 1000, daily: 2 } } });
    local = await startSimulator({ apiKey: OPENAI_FAKE_KEY });
    runtime = await startRuntime(
      {
        OPENROUTER_API_KEY: FAKE_KEY,
        OPENROUTER_BASE_URL: sim.baseURL,
        ...FAST_SETTINGS,
        ...PINNED_POOLS,
        OPENROUTER_LAST_RESORT_HANDLER: 'openai',
        OPENAI_API_KEY: OPENAI_FAKE_KEY,
        OPENAI_BASE_URL: local.baseURL,
        OPENAI_SMALL_MODEL: LOCAL_MODEL,
        OPENAI_LARGE_MODEL: LOCAL_MODEL,
      },
      { plugins: [openrouterFreePlugin, openaiPlugin, bootstrapPlugin] },
    );
    const room = await openRoom(runtime, ChannelType.DM);
    const answers: string[] = [];
    for (let i = 0; i < 5; i++) {
      const replies = await sendMessage(runtime, room, `question ${i}`, { stream: i === 4 });
      expect(replies, `message ${i}`).toHaveLength(1);
      answers.push(String(replies[0]!.text));
    }
    expect(answers.slice(0, 2).every((a) => !a.includes(LOCAL_MODEL))).toBe(true);
    expect(answers.slice(2).every((a) => a.startsWith(`Simulated reply from ${LOCAL_MODEL}`))).toBe(true);
    expect(sim.stats().total).toBe(2); // not called again before its reset
    expect(local.stats().calls.filter((c) => c.status === '200').length).toBeGreaterThanOrEqual(3);
    const s = await status(runtime);
    expect(s.lastResort).toMatchObject({ handler: 'openai', lastResortHandler: { openai: 3 }, notices: 0 });
    expect(JSON.stringify([answers, s])).not.toContain(OPENAI_FAKE_KEY);
  }, 60_000);

  it('OPENROUTER_LAST_RESORT_URL/_MODEL: the engine calls the local OpenAI-compatible server itself; the status route shows it', async () => {
    sim = await startSimulator({ apiKey: FAKE_KEY, scenario: { account: { perMinute: 1000, daily: 1 } } });
    local = await startSimulator();
    runtime = await startRuntime({
      OPENROUTER_API_KEY: FAKE_KEY,
      OPENROUTER_BASE_URL: sim.baseURL,
      ...FAST_SETTINGS,
      ...PINNED_POOLS,
      OPENROUTER_LAST_RESORT_URL: local.baseURL,
      OPENROUTER_LAST_RESORT_MODEL: LOCAL_MODEL,
      OPENROUTER_LAST_RESORT_API_KEY: 'local-FAKE-key',
    });
    await runtime.useModel(ModelType.TEXT_SMALL, { prompt: 'the one free call' });
    const text = await runtime.useModel(ModelType.TEXT_LARGE, { prompt: 'past the cap' });
    expect(text).toMatch(new RegExp(`^Simulated reply from ${LOCAL_MODEL.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}`));
    expect(sim.stats().total).toBe(1);
    expect(local.stats().total).toBe(1);
    const s = await status(runtime);
    expect(s.lastResort).toMatchObject({ endpoint: { baseURL: local.baseURL, model: LOCAL_MODEL }, lastResortEndpoint: 1 });
    expect(s.requests[0]).toMatchObject({ ok: true, model: `last-resort:${LOCAL_MODEL}`, lastResort: { model: LOCAL_MODEL, reason: 'account_daily_limit' } });
    expect(s.daily).toMatchObject({ limit: 1, remaining: 0, reserve: 1 });
  }, 30_000);

  it('off unless turned on: with another text model plugin registered, start-up says once, in one line, how to enable it', async () => {
    sim = await startSimulator({ apiKey: FAKE_KEY });
    const infos: string[] = [];
    runtime = await startRuntime(
      { OPENROUTER_API_KEY: FAKE_KEY, OPENROUTER_BASE_URL: sim.baseURL, ...FAST_SETTINGS, OPENAI_API_KEY: OPENAI_FAKE_KEY, OPENAI_BASE_URL: sim.baseURL },
      {
        plugins: [openrouterFreePlugin, openaiPlugin],
        beforeInit: (rt) => {
          const info = rt.logger.info.bind(rt.logger);
          rt.logger.info = (obj: unknown, msg?: string, ...rest: unknown[]) => {
            infos.push(typeof obj === 'string' ? obj : String(msg));
            return info(obj as never, msg, ...rest);
          };
        },
      },
    );
    await runtime.initPromise;
    const hints = infos.filter((m) => m.includes('OPENROUTER_LAST_RESORT_HANDLER'));
    expect(hints).toEqual(['openai also serves text models; when the free tier cannot answer (daily cap reached), set OPENROUTER_LAST_RESORT_HANDLER=openai to hand those calls to it (off by default: it may be a paid API).']);
  }, 30_000);
});
