import { inspect } from 'node:util';
import { addLogListener, EventType, ModelType, type AgentRuntime } from '@elizaos/core';
import { startSimulator, type Simulator } from '@freepool/openrouter-simulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startProxy, type ProxyRoute, type TestProxy } from './helpers/proxy.js';
import { FAKE_KEY, FAST_SETTINGS, PINNED_POOLS, startRuntime, stopRuntime } from './helpers/runtime.js';

const PNG_DATA_URL =
  'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==';

/** A hostile server: its error message quotes the Authorization header back, as some proxies do. */
const echoAuthorization: ProxyRoute = (req, res) => {
  res.writeHead(400, { 'content-type': 'application/json', 'x-echo-authorization': String(req.headers.authorization) });
  res.end(JSON.stringify({ error: { code: 400, message: `Bad request; you sent Authorization: ${req.headers.authorization}` } }));
  return true;
};

/** Everything a run produced, as text. */
const outputs: string[] = [];
const waiting: Array<{ done: () => boolean; resolve: () => void }> = [];
const record = (what: string, value: unknown) => {
  outputs.push(`${what}: ${typeof value === 'string' ? value : inspect(value, { depth: 12 })}`);
  for (const w of [...waiting]) {
    if (!w.done()) continue;
    waiting.splice(waiting.indexOf(w), 1);
    w.resolve();
  }
};
/** Settles once what has been recorded satisfies `done` (at once if it already does). */
const until = (done: () => boolean) => (done() ? Promise.resolve() : new Promise<void>((resolve) => waiting.push({ done, resolve })));
const count = (pattern: RegExp) => outputs.filter((o) => pattern.test(o)).length;
const recordError = (e: unknown) => {
  record('error', e);
  if (e instanceof Error) record('error.message', `${e.message}\n${e.stack ?? ''}`);
  try {
    record('error.json', JSON.stringify(e));
  } catch {
    // circular: inspect above covered it
  }
};

/** Hooks every method of a logger so nothing it is asked to print escapes the check. */
function tapLogger(target: Record<string, unknown>, name: string) {
  for (const level of ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'success', 'progress', 'log']) {
    const original = target[level];
    if (typeof original !== 'function') continue;
    target[level] = (...args: unknown[]) => {
      record(`${name}.${level}`, args);
      return (original as (...a: unknown[]) => unknown).apply(target, args);
    };
  }
}

describe('the API key never leaves the process', () => {
  let sim: Simulator;
  let hostile: TestProxy;
  let runtime: AgentRuntime;
  let badKeyRuntime: AgentRuntime;
  let stopListening: () => void;

  beforeAll(async () => {
    stopListening = addLogListener((entry) => record('log-entry', entry));
    sim = await startSimulator({ apiKey: FAKE_KEY, scenario: { account: { perMinute: 1000 } } });
    hostile = await startProxy(sim.url, {
      '/api/v1/chat/completions': echoAuthorization,
      '/api/v1/embeddings': echoAuthorization,
    });
    const tap = (rt: AgentRuntime) => {
      tapLogger(rt.logger as unknown as Record<string, unknown>, 'runtime.logger');
      rt.registerEvent(EventType.MODEL_USED, async (payload) => {
        const { runtime: _runtime, ...rest } = payload;
        record('event', rest);
      });
    };
    runtime = await startRuntime(
      { OPENROUTER_API_KEY: FAKE_KEY, OPENROUTER_BASE_URL: sim.baseURL, ...FAST_SETTINGS, ...PINNED_POOLS },
      { beforeInit: tap },
    );
    // Same key against the hostile server (chat and embeddings echo the header back).
    badKeyRuntime = await startRuntime(
      {
        OPENROUTER_API_KEY: FAKE_KEY,
        OPENROUTER_BASE_URL: hostile.baseURL,
        ...FAST_SETTINGS,
        ...PINNED_POOLS,
        OPENROUTER_EMBEDDING_MODEL: 'openai/text-embedding-3-small',
      },
      { beforeInit: tap },
    );
  });
  afterAll(async () => {
    stopListening?.();
    await stopRuntime(badKeyRuntime);
    await stopRuntime(runtime);
    await hostile?.close();
    await sim?.close();
  });

  it('appears in no log line, error or event of a run that succeeds, rotates and fails', async () => {
    // Successes, a rotation, streaming, objects, images.
    record('text', await runtime.useModel(ModelType.TEXT_SMALL, { prompt: 'hello' }));
    sim.failNext('*', 'upstream_429', 1);
    record('text', await runtime.useModel(ModelType.TEXT_LARGE, { prompt: 'hello' }));
    record('stream', await runtime.useModel(ModelType.TEXT_SMALL, { prompt: 'stream', onStreamChunk: () => undefined }));
    record('object', await runtime.useModel(ModelType.OBJECT_SMALL, { prompt: 'json', schema: { type: 'object' } }));
    record('image', await runtime.useModel(ModelType.IMAGE_DESCRIPTION, { imageUrl: PNG_DATA_URL, prompt: 'describe' }));
    // Failures: every model failing, a bad image URL, a server that echoes the key back.
    sim.failNext('*', 'auth', 1);
    await runtime.useModel(ModelType.TEXT_SMALL, { prompt: 'auth fails' }).then(record.bind(null, 'unexpected'), recordError);
    await runtime
      .useModel(ModelType.IMAGE_DESCRIPTION, { imageUrl: 'file:///etc/passwd', prompt: 'x' })
      .then(record.bind(null, 'unexpected'), recordError);
    await badKeyRuntime.useModel(ModelType.TEXT_SMALL, { prompt: 'echo' }).then(record.bind(null, 'unexpected'), recordError);
    await badKeyRuntime
      .useModel(ModelType.TEXT_SMALL, { prompt: 'echo', onStreamChunk: () => undefined })
      .then(record.bind(null, 'unexpected'), recordError);
    await badKeyRuntime.useModel(ModelType.OBJECT_LARGE, { prompt: 'echo' }).then(record.bind(null, 'unexpected'), recordError);
    await badKeyRuntime.useModel(ModelType.TEXT_EMBEDDING, { text: 'echo' }).then(record.bind(null, 'unexpected'), recordError);
    // A stream's log line and MODEL_USED follow its end: wait for those of both streams, the
    // served one (its MODEL_USED, logged after its line) and the failed one (the third failed
    // TEXT_SMALL line: 'auth fails', the echo, the echoed stream).
    await until(() => count(/^event: [\s\S]*prompt: 'stream'/) >= 1);
    await until(() => count(/^runtime\.logger\.warn: [\s\S]*TEXT_SMALL \(small pool\) failed after/) >= 3);

    // The check is only as good as what it saw: it saw the plugin's own log lines, errors and events.
    const all = outputs.join("\n");
    expect(all).toContain('served by');
    expect(all).toContain('event: ');
    expect(outputs.filter((o) => o.startsWith('error')).length).toBeGreaterThanOrEqual(5);
    expect(outputs.filter((o) => o.startsWith('unexpected'))).toEqual([]);
    const leaks = outputs.filter((o) => o.includes(FAKE_KEY) || o.includes(FAKE_KEY.slice(10)));
    expect(leaks.map((l) => l.slice(0, 300))).toEqual([]);
  });
});
