/**
 * The "reasoning models" scenario: a conversation with an agent whose free models are reasoning
 * models that answer the way real ones do (bench/reasoning-models.ts). Each message costs what it
 * costs an ElizaOS agent in a group room: should-respond (small tier, not streamed), then the reply
 * (large tier, streamed for the pool). A person waits for both: the reply time is from the message to
 * the end of the reply. A reply is clean when it is the agent's `<response>` and holds none of the
 * model's thinking. The pool is compared with the naive in-order fallback.
 */
import { FreeModelPool } from '@freepool/free-model-pool';
import { createRandom, startSimulator } from '@freepool/openrouter-simulator';
import Table from 'cli-table3';
import { percentile } from '../lib/stats.js';
import { markdownTable } from '../lib/table.js';
import { createNaivePool } from './naive.js';
import { REASONING_VARIANTS, reasoningCatalog, reasoningPool, type ReasoningVariant } from './reasoning-models.js';
import { compressedPolicy, MINUTE_MS } from './scenarios.js';

const KEY = 'sk-or-v1-FAKE-bench-reasoning-0000';
/** Messages in the conversation, one after the other (the person waits for each reply). */
export const REASONING_MESSAGES = 30;

const SHOULD_RESPOND =
  'Decide whether to respond. Respond in XML: <response><name>Agent</name><reasoning>why</reasoning><action>RESPOND | IGNORE</action></response>';
const REPLY = 'Reply to the person. Respond in XML: <response><thought>your thought</thought><text>your reply</text></response>';

/** Anything of a model's thinking that reached the text. */
const THOUGHT = /Reasoning of|Weighing what to say|Reasoning draft|<\/?think>/;

export type ReasoningClient = 'pool' | 'naive' | 'fastest';
const CLIENT_LABEL = { pool: 'free-model-pool', naive: 'naive in-order', fastest: 'the fastest model alone' } as const;

export interface ReasoningRow {
  variant: string;
  client: (typeof CLIENT_LABEL)[ReasoningClient];
  messages: number;
  /** Replies that were the agent's response and held none of the thinking. */
  clean: number;
  /** Messages whose reply never came (every model failed). */
  failed: number;
  replyMs: number[];
  calls: number;
}

export async function runReasoningVariant(variant: ReasoningVariant, client: ReasoningClient, messages = REASONING_MESSAGES): Promise<ReasoningRow> {
  const sim = await startSimulator({ scenario: variant.simulator, catalog: reasoningCatalog(variant), port: 0 });
  try {
    const ask =
      client === 'pool'
        ? poolClient(sim.baseURL, variant)
        : naiveClient(sim.baseURL, client === 'naive' ? variant.models : [variant.fastest]);
    const row: ReasoningRow = { variant: variant.title, client: CLIENT_LABEL[client], messages, clean: 0, failed: 0, replyMs: [], calls: 0 };
    for (let i = 0; i < messages; i++) {
      const started = performance.now();
      try {
        const decision = await ask.decide(`${SHOULD_RESPOND}\nMessage ${i + 1}: how are you?`);
        const reply = await ask.reply(`${REPLY}\nMessage ${i + 1}: how are you?`);
        row.replyMs.push(performance.now() - started);
        if (isClean(decision, /<action>/) && isClean(reply, /<text>/)) row.clean++;
      } catch {
        row.failed++;
      }
    }
    row.calls = sim.stats().total;
    return row;
  } finally {
    await sim.close();
  }
}

/** The agent's response, whole, without the model's thinking. */
function isClean(text: string, needs: RegExp): boolean {
  return text.trimStart().startsWith('<response>') && needs.test(text) && !THOUGHT.test(text);
}

function poolClient(baseURL: string, variant: ReasoningVariant) {
  const pool = new FreeModelPool({
    connection: { apiKey: KEY, baseURL },
    pool: reasoningPool(variant),
    policy: compressedPolicy(),
    random: createRandom(variant.simulator.seed ?? 1),
  });
  return {
    decide: async (prompt: string) => (await pool.generateText({ tier: 'small', prompt })).value.text,
    reply: async (prompt: string) => {
      const stream = pool.streamText({ tier: 'large', prompt });
      let text = '';
      for await (const chunk of stream.textStream) text += chunk;
      return text;
    },
  };
}

function naiveClient(baseURL: string, models: readonly string[]) {
  const naive = createNaivePool({ apiKey: KEY, baseURL, models });
  return {
    decide: async (prompt: string) => (await naive.generateText(prompt)).text,
    reply: async (prompt: string) => (await naive.generateText(prompt)).text,
  };
}

/**
 * Both clients on every variant, and for reference the fastest healthy model called alone (what
 * "answered at about the speed of the fastest healthy model" is measured against).
 */
export async function runReasoningBench(messages = REASONING_MESSAGES, onProgress: (m: string) => void = () => {}): Promise<ReasoningRow[]> {
  const rows: ReasoningRow[] = [];
  for (const variant of REASONING_VARIANTS) {
    for (const client of ['pool', 'naive', 'fastest'] as const) {
      onProgress(`Reasoning models, ${variant.title}: ${CLIENT_LABEL[client]} (${messages} messages)…`);
      rows.push(await runReasoningVariant(variant, client, messages));
    }
  }
  return rows;
}

/** The reply time at percentile `p`, ms. */
export function replyPercentile(row: ReasoningRow, p: number): number | undefined {
  return percentile(row.replyMs, p);
}

const HEADERS = ['Variant', 'Client', 'Clean replies', 'Reply p50 ms', 'Reply p95 ms', 'Calls / reply', 'Notes'];

function cells(r: ReasoningRow): string[] {
  const answered = r.messages - r.failed;
  const ms = (p: number) => {
    const v = replyPercentile(r, p);
    return v === undefined ? '–' : Math.round(v).toString();
  };
  return [
    r.client,
    `${r.clean}/${r.messages}`,
    ms(50),
    ms(95),
    answered ? (r.calls / answered).toFixed(2) : `∞ (${r.calls} calls)`,
    r.failed ? `${r.failed} without a reply` : '',
  ];
}

export function reasoningMarkdown(rows: ReasoningRow[]): string {
  const table = markdownTable(HEADERS, rows.map((r, i) => [i === 0 || rows[i - 1]!.variant !== r.variant ? `**${r.variant}**` : '', ...cells(r)]));
  return [
    `Two calls a message (should-respond, then the reply); one OpenRouter minute lasts ${MINUTE_MS} ms, so a 25 s think takes ${Math.round(25_000 * (MINUTE_MS / 60_000))} ms here.`,
    '',
    table,
  ].join('\n');
}

export function reasoningTable(rows: ReasoningRow[]): string {
  const table = new Table({ head: HEADERS, style: { head: ['cyan'] }, wordWrap: true, colWidths: [28, 17, 9, 9, 9, 9, 20] });
  for (const r of rows) table.push([r.variant, ...cells(r)]);
  return table.toString();
}
