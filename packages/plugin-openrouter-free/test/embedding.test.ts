import { EventType, ModelType, type AgentRuntime } from '@elizaos/core';
import { startSimulator, type Simulator } from '@freepool/openrouter-simulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startProxy, type TestProxy } from './helpers/proxy.js';
import { FAKE_KEY, FAST_SETTINGS, startRuntime, stopRuntime } from './helpers/runtime.js';

const DIMENSIONS = 384;
const EMBEDDING_MODEL = 'openai/text-embedding-3-small';

describe('TEXT_EMBEDDING (only with OPENROUTER_EMBEDDING_MODEL)', () => {
  let sim: Simulator;
  let proxy: TestProxy;
  let runtime: AgentRuntime;
  const requests: Array<{ body: Record<string, unknown>; authorized: boolean }> = [];
  const used: Array<{ type: string; tokens?: unknown }> = [];

  beforeAll(async () => {
    sim = await startSimulator({ apiKey: FAKE_KEY, scenario: { account: { perMinute: 1000 } } });
    // The simulator has no /embeddings; the proxy answers it like OpenRouter does.
    proxy = await startProxy(sim.url, {
      '/api/v1/embeddings': (req, res, body) => {
        const parsed = JSON.parse(body.toString()) as Record<string, unknown>;
        requests.push({ body: parsed, authorized: req.headers.authorization === `Bearer ${FAKE_KEY}` });
        const embedding = Array.from({ length: DIMENSIONS }, (_, i) => (i + 1) / DIMENSIONS);
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ object: 'list', data: [{ object: 'embedding', index: 0, embedding }], model: parsed.model, usage: { prompt_tokens: 3, total_tokens: 3 } }));
        return true;
      },
    });
    runtime = await startRuntime(
      {
        OPENROUTER_API_KEY: FAKE_KEY,
        OPENROUTER_BASE_URL: proxy.baseURL,
        ...FAST_SETTINGS,
        OPENROUTER_EMBEDDING_MODEL: EMBEDDING_MODEL,
        OPENROUTER_EMBEDDING_DIMENSIONS: String(DIMENSIONS),
      },
      {
        beforeInit: (rt) =>
          rt.registerEvent(EventType.MODEL_USED, async (payload: { type: string; tokens?: unknown }) => {
            used.push({ type: payload.type, tokens: payload.tokens });
          }),
      },
    );
  });
  afterAll(async () => {
    await stopRuntime(runtime);
    await proxy?.close();
    await sim?.close();
  });

  it('answers the null probe with a zero vector of the configured size, without a call', async () => {
    const vector = await runtime.useModel(ModelType.TEXT_EMBEDDING, null as never);
    expect(vector).toHaveLength(DIMENSIONS);
    expect(vector.every((x: number) => x === 0)).toBe(true);
    // runtime.initialize probed with {text: ''} too; neither reached the server.
    expect(requests).toHaveLength(0);
  });

  it('posts to {baseURL}/embeddings with the chosen model and returns the vector', async () => {
    const vector = await runtime.useModel(ModelType.TEXT_EMBEDDING, { text: 'hello world' });
    expect(vector).toHaveLength(DIMENSIONS);
    expect(vector[0]).toBeCloseTo(1 / DIMENSIONS);
    expect(requests).toEqual([{ body: { model: EMBEDDING_MODEL, input: 'hello world' }, authorized: true }]);
    expect(used.at(-1)).toEqual({ type: ModelType.TEXT_EMBEDDING, tokens: { prompt: 3, completion: 0, total: 3 } });
  });

  it('is not registered when OPENROUTER_EMBEDDING_MODEL is not set (no embedding model is free)', async () => {
    // The same plugin object, another runtime without the setting.
    const plain = await startRuntime({ OPENROUTER_API_KEY: FAKE_KEY, OPENROUTER_BASE_URL: sim.baseURL, ...FAST_SETTINGS });
    try {
      expect(plain.getModel(ModelType.TEXT_EMBEDDING)).toBeUndefined();
      expect(plain.getModel(ModelType.TEXT_SMALL)).toBeDefined();
    } finally {
      await stopRuntime(plain);
    }
  });
});
