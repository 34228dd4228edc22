import { EventType, ModelType, type AgentRuntime } from '@elizaos/core';
import { PoolExhaustedError } from '@freepool/free-model-pool';
import { startSimulator, type Simulator } from '@freepool/openrouter-simulator';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startProxy, type TestProxy } from './helpers/proxy.js';
import { FAKE_KEY, FAST_SETTINGS, LARGE, PINNED_POOLS, SMALL, callsByModel, startRuntime, stopRuntime } from './helpers/runtime.js';

describe('TEXT_SMALL / TEXT_LARGE through a real AgentRuntime', () => {
  let sim: Simulator;
  let proxy: TestProxy;
  let runtime: AgentRuntime;
  /** Chat request bodies, seen by a pass-through proxy in front of the simulator. */
  const bodies: Array<Record<string, unknown>> = [];
  const events: Array<Record<string, unknown>> = [];
  const logs: Array<{ level: string; record: Record<string, unknown>; message: string }> = [];

  beforeAll(async () => {
    sim = await startSimulator({ apiKey: FAKE_KEY, scenario: { account: { perMinute: 1000 } } });
    proxy = await startProxy(sim.url, {
      '/api/v1/chat/completions': (_req, _res, body) => {
        bodies.push(JSON.parse(body.toString()) as Record<string, unknown>);
        return false;
      },
    });
  });
  afterAll(async () => {
    await proxy?.close();
    await sim?.close();
  });
  // A fresh runtime per test: no model is still cooling down from the test before.
  beforeEach(async () => {
    runtime = await startRuntime(
      { OPENROUTER_API_KEY: FAKE_KEY, OPENROUTER_BASE_URL: proxy.baseURL, ...FAST_SETTINGS, ...PINNED_POOLS },
      {
        system: 'You are a terse test agent.',
        beforeInit: (rt) => {
          rt.registerEvent(EventType.MODEL_USED, async ({ runtime: _rt, ...payload }) => {
            events.push(payload as unknown as Record<string, unknown>);
          });
          for (const level of ['debug', 'warn'] as const) {
            const original = rt.logger[level].bind(rt.logger);
            rt.logger[level] = (obj: unknown, msg?: string, ...rest: unknown[]) => {
              if (typeof obj === 'object' && obj !== null && (obj as { src?: string }).src === 'plugin:openrouter-free') {
                logs.push({ level, record: obj as Record<string, unknown>, message: String(msg) });
              }
              return original(obj as never, msg, ...rest);
            };
          }
        },
      },
    );
    sim.resetStats();
    bodies.length = 0;
    events.length = 0;
    logs.length = 0;
  });
  afterEach(async () => {
    await stopRuntime(runtime);
  });

  it('answers TEXT_SMALL from the first small model on the first try', async () => {
    const text = await runtime.useModel(ModelType.TEXT_SMALL, { prompt: 'Say hello' });
    expect(typeof text).toBe('string');
    expect(text.length).toBeGreaterThan(0);
    expect(callsByModel(sim.stats())).toEqual([`${SMALL[0]} 200`]);
    // One debug line for a first-try success, naming tier, model, attempts and wait.
    expect(logs).toEqual([
      {
        level: 'debug',
        record: expect.objectContaining({ tier: 'small', model: SMALL[0], attempts: 1, waitedMs: 0 }),
        message: expect.stringContaining(`served by ${SMALL[0]}`),
      },
    ]);
    // MODEL_USED as the official plugin emits it.
    expect(events).toEqual([
      {
        source: 'openrouter',
        provider: 'openrouter',
        type: ModelType.TEXT_SMALL,
        prompt: 'Say hello',
        tokens: { prompt: expect.any(Number), completion: expect.any(Number), total: expect.any(Number) },
      },
    ]);
  });

  it("sends the character's system prompt and the caller's sampling settings", async () => {
    await runtime.useModel(ModelType.TEXT_LARGE, {
      prompt: 'Write one line',
      temperature: 0.3,
      maxTokens: 77,
      stopSequences: ['END'],
      frequencyPenalty: 0.1,
      presencePenalty: 0.2,
    });
    expect(bodies).toHaveLength(1);
    expect(bodies[0]).toMatchObject({
      model: LARGE[0],
      temperature: 0.3,
      max_tokens: 77,
      stop: ['END'],
      frequency_penalty: 0.1,
      presence_penalty: 0.2,
    });
    const messages = bodies[0]!.messages as Array<{ role: string; content: unknown }>;
    expect(messages.map((m) => m.role)).toEqual(['system', 'user']);
    // The provider may send content as a string or as text parts.
    expect(JSON.stringify(messages[0]!.content)).toContain('You are a terse test agent.');
    expect(JSON.stringify(messages[1]!.content)).toContain('Write one line');
  });

  it('rotates past a 429 to the next small model', async () => {
    sim.failNext('*', 'upstream_429', 1);
    const text = await runtime.useModel(ModelType.TEXT_SMALL, { prompt: 'Say hello again' });
    expect(text.length).toBeGreaterThan(0);
    const [first, second, ...rest] = sim.stats().calls;
    expect(rest).toEqual([]);
    expect([first?.status, second?.status]).toEqual(['429', '200']);
    expect(second?.model).not.toBe(first?.model);
    expect(SMALL).toContain(second?.model);
    // A rotation is a warning, with the engine's trail: who was rate limited (and its status), who answered.
    expect(logs.map((l) => l.level)).toEqual(['warn']);
    expect(logs[0]?.message).toContain(`: ${first?.model} was rate limited upstream (429), cooling down until `);
    expect(logs[0]?.message).toMatch(new RegExp(`; ${second?.model?.replace(/[.]/g, '\\.')} answered$`));
  });

  it('rotates past an error inside an HTTP 200 body on the large pool', async () => {
    sim.failNext('*', 'error_in_200', 1);
    const text = await runtime.useModel(ModelType.TEXT_LARGE, { prompt: 'Write one sentence', maxTokens: 64, temperature: 0.2 });
    expect(text.length).toBeGreaterThan(0);
    expect(callsByModel(sim.stats())).toEqual([`${LARGE[0]} 200-error`, `${LARGE[1]} 200`]);
  });

  it('throws the engine PoolExhaustedError with the attempt trail when every model fails', async () => {
    for (const id of LARGE) sim.failNext(id, 'server_error', 1);
    const error = await runtime.useModel(ModelType.TEXT_LARGE, { prompt: 'fail please' }).catch((e: unknown) => e);
    expect(PoolExhaustedError.isInstance(error)).toBe(true);
    const attempts = (error as PoolExhaustedError).attempts;
    expect(attempts.filter((a) => a.outcome === 'failed').map((a) => a.model).sort()).toEqual([...LARGE].sort());
    expect(sim.stats().total).toBe(3);
  });

  it('streams chunks from one model only, after rotating before the first chunk', async () => {
    sim.failNext('*', 'upstream_429', 1);
    const chunks: string[] = [];
    const text = await runtime.useModel(ModelType.TEXT_SMALL, {
      prompt: 'Tell me a short story',
      onStreamChunk: (chunk: string) => {
        chunks.push(chunk);
      },
    });
    expect(chunks.length).toBeGreaterThan(1);
    expect(chunks.join('')).toBe(text);
    const [first, second, ...rest] = sim.stats().calls;
    expect(rest).toEqual([]);
    expect([first?.status, second?.status]).toEqual(['429', '200']);
    expect(second?.model).not.toBe(first?.model);
    expect(first?.stream && second?.stream).toBe(true);
  });

  it('rejects a stream with the pool error when every model fails before the first chunk', async () => {
    sim.failNext('*', 'server_error', SMALL.length);
    const chunks: string[] = [];
    const error = await runtime
      .useModel(ModelType.TEXT_SMALL, { prompt: 'doomed', onStreamChunk: (c: string) => void chunks.push(c) })
      .catch((e: unknown) => e);
    expect(PoolExhaustedError.isInstance(error)).toBe(true);
    expect(chunks).toEqual([]);
  });
});
