/**
 * `bun run demo`: a real ElizaOS AgentRuntime (plugin-sql on in-memory PGlite + our plugin) calls
 * every model type the plugin serves against the OpenRouter simulator, with a failure injected
 * before each call, and prints what answered, which model served it and the pool's attempt trail.
 */
import Table from 'cli-table3';
import { deflateSync } from 'node:zlib';

// ElizaOS logs at info by default; the demo shows the plugin's lines in its table instead.
process.env.LOG_LEVEL ??= 'error';

const { AgentRuntime, ModelType } = await import('@elizaos/core');
// plugin-sql 1.7.2's package.json "exports" points its types at a file it does not ship; the module
// itself is fine, so it is imported through a variable and typed as the Plugin it is.
const SQL_PLUGIN = '@elizaos/plugin-sql';
const { default: sqlPlugin } = (await import(SQL_PLUGIN)) as { default: import('@elizaos/core').Plugin };
const { default: freePoolPlugin } = await import('@freepool/plugin-openrouter-free');
const { startSimulator } = await import('@freepool/openrouter-simulator');
type FailureKind = import('@freepool/openrouter-simulator').FailureKind;
type Runtime = InstanceType<typeof AgentRuntime>;

/** Obviously fake: the simulator accepts any key. */
const DEMO_KEY = 'sk-or-v1-FAKE-demo-key-0000';
/** The plugin tags its log records with this source. */
const PLUGIN_LOG_SOURCE = 'plugin:openrouter-free';
/** Pools pinned to ids the simulator's catalog serves, so the demo is the same on every run. */
const POOLS = {
  small: ['qwen/qwen3-next-80b-a3b-instruct:free', 'nvidia/nemotron-nano-9b-v2:free', 'meta-llama/llama-3.2-3b-instruct:free'],
  large: [
    'meta-llama/llama-3.3-70b-instruct:free',
    'openai/gpt-oss-120b:free',
    'nousresearch/hermes-3-llama-3.1-405b:free',
    'nvidia/nemotron-3-nano-30b-a3b:free',
  ],
  vision: ['google/gemma-3-27b-it:free', 'mistralai/mistral-small-3.1-24b-instruct:free', 'google/gemma-3-12b-it:free'],
};
const ANSWER_CHARS = 64;

interface Step {
  call: string;
  /** What the simulator is told to do to the next call(s), shown in the table. */
  injected: string;
  inject: () => void;
  run: (runtime: Runtime) => Promise<string>;
}

// ---------------------------------------------------------------------------------------------

const sim = await startSimulator({ scenario: { seed: 1, latencyMs: [40, 120] }, port: 0 });
const served = new Set(sim.catalog().data.map((m) => m.id));
for (const id of Object.values(POOLS).flat()) {
  if (!served.has(id)) throw new Error(`demo pool model ${id} is not in the simulator's catalog; update POOLS in scripts/demo.ts`);
}
const fail = (model: string, kind: FailureKind) => () => sim.failNext(model, kind, 1);

const steps: Step[] = [
  {
    call: 'TEXT_SMALL',
    injected: '429 "rate-limited upstream" on the 1st small model',
    inject: fail(POOLS.small[0]!, 'upstream_429'),
    run: (rt) => rt.useModel(ModelType.TEXT_SMALL, { prompt: 'In one sentence: why do free models get rate limited?' }),
  },
  {
    call: 'TEXT_LARGE',
    injected: 'rate-limit error inside an HTTP 200 body on the 1st large model',
    inject: fail(POOLS.large[0]!, 'upstream_in_200'),
    run: (rt) => rt.useModel(ModelType.TEXT_LARGE, { prompt: 'Write a two-line poem about patience.' }),
  },
  {
    call: 'OBJECT_SMALL',
    injected: 'unparseable JSON from the 2nd small model',
    inject: fail(POOLS.small[1]!, 'bad_json'),
    run: async (rt) =>
      JSON.stringify(
        await rt.useModel(ModelType.OBJECT_SMALL, {
          prompt: 'Invent a person: name and age.',
          schema: { type: 'object', properties: { name: { type: 'string' }, age: { type: 'integer' } }, required: ['name', 'age'] },
        }),
      ),
  },
  {
    call: 'OBJECT_LARGE (array, as plugin-bootstrap asks)',
    injected: '429 "High demand" on the 2nd large model',
    inject: fail(POOLS.large[1]!, 'shared_capacity_429'),
    run: async (rt) =>
      JSON.stringify(
        await rt.useModel(ModelType.OBJECT_LARGE, {
          prompt: 'List two facts from this conversation.',
          output: 'array',
          schema: { type: 'array', items: { type: 'object', properties: { claim: { type: 'string' } }, required: ['claim'] } },
        }),
      ),
  },
  {
    call: 'IMAGE_DESCRIPTION (data: PNG)',
    injected: '5xx on the 1st vision model',
    inject: fail(POOLS.vision[0]!, 'server_error'),
    run: async (rt) => {
      const r = await rt.useModel(ModelType.IMAGE_DESCRIPTION, { prompt: 'Describe this image.', imageUrl: demoPngDataUrl() });
      return `${r.title}: ${r.description}`;
    },
  },
  {
    call: 'TEXT_LARGE, streamed',
    injected: '429 before the first chunk on the 3rd large model',
    inject: fail(POOLS.large[2]!, 'upstream_429'),
    run: async (rt) => {
      let chunks = 0;
      const text = await rt.useModel(ModelType.TEXT_LARGE, {
        prompt: 'Stream a short greeting.',
        onStreamChunk: () => {
          chunks++;
        },
      });
      return `(${chunks} chunks) ${text}`;
    },
  },
  {
    call: 'TEXT_SMALL',
    injected: 'the account has used its 50 free calls of the day',
    inject: () => sim.setScenario({ seed: 1, latencyMs: [40, 120], account: { daily: 50, dailyUsed: 50 } }),
    run: (rt) => rt.useModel(ModelType.TEXT_SMALL, { prompt: 'Are you still there?' }),
  },
  {
    call: 'TEXT_SMALL',
    injected: '(nothing new: the cap is already known)',
    inject: () => {},
    run: (rt) => rt.useModel(ModelType.TEXT_SMALL, { prompt: 'And now?' }),
  },
];

// ---------------------------------------------------------------------------------------------

const runtime = new AgentRuntime({
  character: {
    name: 'FreePoolDemo',
    bio: ['Shows the free-model pool at work.'],
    system: 'You are a concise assistant.',
    settings: {
      PGLITE_DATA_DIR: 'memory://',
      OPENROUTER_CATALOG_REFRESH: 'false',
      OPENROUTER_SMALL_POOL: POOLS.small.join(','),
      OPENROUTER_LARGE_POOL: POOLS.large.join(','),
      OPENROUTER_VISION_POOL: POOLS.vision.join(','),
      secrets: { OPENROUTER_API_KEY: DEMO_KEY, OPENROUTER_BASE_URL: sim.baseURL },
    },
  },
  plugins: [sqlPlugin, freePoolPlugin],
});
const pluginLines = capturePluginLog(runtime);

console.log(`\nOpenRouter simulator at ${sim.baseURL} (offline: every answer below is simulated, not a real model).`);
console.log('Starting an ElizaOS AgentRuntime with @elizaos/plugin-sql (in-memory PGlite) and @freepool/plugin-openrouter-free…');
await runtime.registerPlugin(sqlPlugin);
await runtime.runPluginMigrations();
await runtime.initialize();

const table = new Table({
  head: ['Call', 'Injected failure', 'Served by', "Pool's trail (from the plugin's log line)", 'Calls', 'Answer'],
  style: { head: ['cyan'] },
  wordWrap: true,
  colWidths: [22, 22, 42, 46, 7, 36],
});

const results: Array<{ ok: boolean; calls: number }> = [];
let index = 0;
for (const step of steps) {
  index++;
  step.inject();
  const callsBefore = sim.stats().total;
  pluginLines.length = 0;
  let answer: string;
  let servedBy: string;
  let ok = true;
  try {
    answer = clip(await step.run(runtime));
    servedBy = pluginLines.find((l) => l.model)?.model ?? '?';
  } catch (error) {
    ok = false;
    const e = error as Error & { retryAt?: number };
    servedBy = `none: ${e.name}`;
    answer = clip(e.message) + (e.retryAt ? ` (retry after ${new Date(e.retryAt).toISOString()})` : '');
  }
  // The stream's log line is written when the stream settles, just after the text arrives.
  if (pluginLines.length === 0) await new Promise((r) => setTimeout(r, 50));
  const calls = sim.stats().calls.slice(callsBefore);
  results.push({ ok, calls: calls.length });
  table.push([
    `${index}. ${step.call}`,
    step.injected,
    servedBy,
    pluginLines.map((l) => l.trail).join('\n') || '(no log line)',
    // Counted by the simulator, not by the pool: what really went over the wire.
    String(calls.length),
    answer,
  ]);
}

console.log(`\n${table.toString()}`);
const answered = results.filter((r) => r.ok).length;
const totalCalls = results.reduce((n, r) => n + r.calls, 0);
const last = results[results.length - 1]!;
console.log(
  `\n${answered} of ${results.length} calls answered with ${totalCalls} upstream calls; ` +
    `each injected failure cost ${results.slice(0, answered).every((r) => r.calls <= 2) ? 'at most one extra call' : 'more than one extra call'}; ` +
    `after the daily cap was known: ${last.calls} call(s).`,
);

// plugin-sql writes a model-usage log row without awaiting it; let it land before closing PGlite.
await new Promise((r) => setTimeout(r, 300));
await runtime.stop();
await (runtime as unknown as { adapter?: { close(): Promise<void> } }).adapter?.close();
await sim.close();

// ---------------------------------------------------------------------------------------------

/**
 * Takes the plugin's log records out of the console and into the table: the plugin logs one line
 * per served or failed request, with the trail of models tried, skipped and failed.
 */
function capturePluginLog(rt: Runtime): Array<{ model?: string; trail: string }> {
  const lines: Array<{ model?: string; trail: string }> = [];
  const original = rt.logger;
  const intercept = (level: 'debug' | 'info' | 'warn' | 'error') =>
    (...args: unknown[]) => {
      const [record, message] = args as [Record<string, unknown> | undefined, string | undefined];
      if (record && typeof record === 'object' && record.src === PLUGIN_LOG_SOURCE && typeof message === 'string') {
        if (typeof record.modelType === 'string') lines.push({ model: record.model as string | undefined, trail: trailOf(message, record) });
        return;
      }
      (original[level] as (...a: unknown[]) => void).apply(original, args);
    };
  rt.logger = new Proxy(original, {
    get(target, key, receiver) {
      if (key === 'debug' || key === 'info' || key === 'warn' || key === 'error') return intercept(key);
      return Reflect.get(target, key, receiver);
    },
  });
  return lines;
}

/** "… waited 0 ms: a failed (…) -> b ok" or "… failed after …: message [trail]" → the trail. */
function trailOf(message: string, record: Record<string, unknown>): string {
  const failed = /\[([^\]]+)\]\s*$/.exec(message);
  if (failed) return failed[1]!.split(' -> ').join('\n→ ');
  const served = /waited \d+ ms: (.+)$/.exec(message);
  if (served) return served[1]!.split(' -> ').join('\n→ ');
  return record.model ? `${record.model} ok (first try)` : message;
}

function clip(text: string): string {
  const one = String(text).replace(/\s+/g, ' ').trim();
  return one.length > ANSWER_CHARS ? `${one.slice(0, ANSWER_CHARS)}…` : one;
}

/** A 16×16 PNG (a colour gradient), built here so the demo needs no image file. */
function demoPngDataUrl(): string {
  const size = 16;
  const rows: number[] = [];
  for (let y = 0; y < size; y++) {
    rows.push(0); // filter: none
    for (let x = 0; x < size; x++) rows.push(x * 16, y * 16, 200);
  }
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const out = Buffer.alloc(12 + data.length);
    out.writeUInt32BE(data.length, 0);
    body.copy(out, 4);
    out.writeUInt32BE(crc32(body), 8 + data.length);
    return out;
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr.set([8, 2, 0, 0, 0], 8); // 8-bit RGB
  const png = Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(Buffer.from(rows))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
  return `data:image/png;base64,${png.toString('base64')}`;
}

function crc32(buf: Buffer): number {
  let c = 0xffffffff;
  for (const byte of buf) {
    c ^= byte;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  }
  return (c ^ 0xffffffff) >>> 0;
}
