/**
 * Reasoning models through the real message pipeline: `bun run start` (@elizaos/server,
 * plugin-bootstrap, this plugin) against a simulator whose reasoning models answer the way real ones
 * do, a conversation over the messaging API (should-respond, then the streamed reply), and the web
 * chat in headless Chromium, whose live stream is the socket.io `messageStreamChunk` events it receives.
 *
 * Time is compressed five times: a model that thinks 25 s before its first answer token takes 5 s
 * here, and the plugin's waits and timeouts are scaled to match (a reply's 30 s is 6 s).
 */
import { startSimulator, type ModelBehavior, type ReasoningBehavior, type Simulator } from '@freepool/openrouter-simulator';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAgentProcess, type AgentProcess } from './agent-process.js';
import { CHROMIUM_ARGS, CHROMIUM_MISSING, CHROMIUM_PATH, chromiumPresent } from './chromium.js';
import { createSession, messagesOf, sendToSession, waitForAgentMessages } from './messaging.js';

const FAKE_KEY = 'sk-or-v1-FAKE-reasoning-replies-0000';
/** Real seconds to compressed milliseconds. */
const s = (seconds: number) => Math.round((seconds * 1000) / 5);

// The reasoning models of the pools (the simulator's catalog lists each as taking `reasoning`) and a
// model that does not reason, last in each tier.
const NANO = 'nvidia/nemotron-nano-9b-v2:free';
const NANO30 = 'nvidia/nemotron-3-nano-30b-a3b:free';
const OSS = 'openai/gpt-oss-120b:free';
const LLAMA3B = 'meta-llama/llama-3.2-3b-instruct:free';
const LLAMA70 = 'meta-llama/llama-3.3-70b-instruct:free';
const REASONERS = [NANO, NANO30, OSS];

/** Anything of a model's thinking: the simulator's default thinking names the model, and drafts a <response>. */
const THOUGHT = /Reasoning of|Weighing what to say|Reasoning draft|<\/?think(ing)?>/;
/** The simulator's reply to an agent's prompt: `<text>` of its `<response>`. */
const ANSWER = /^Simulated reply from (\S+): this agent is running offline/;

const inCi = process.env.CI === 'true';
if (!chromiumPresent && !inCi) console.warn(`${CHROMIUM_MISSING}; the web chat part of the reasoning-replies test is skipped`);

let sim: Simulator;
let agent: AgentProcess;

/** Every reasoning model of the pools answers in `shape`; `others` gives some models a behaviour of their own. */
function shape(reasoning: ReasoningBehavior, others: Record<string, ModelBehavior> = {}) {
  const models: Record<string, ModelBehavior> = { ...Object.fromEntries(REASONERS.map((m) => [m, { reasoning }])), ...others };
  sim.setScenario({ seed: 9, latencyMs: [20, 60], account: { perMinute: 1000 }, models });
}

/** Thinks until its whole output budget is spent: no answer. */
const OVERTHINKER: ModelBehavior = { reasoning: { style: 'inline', tokens: 100_000 }, maxOutputTokens: 1000 };
const BUDGET_IN_FIELD: ModelBehavior = { reasoning: { style: 'field', tokens: 100_000 }, maxOutputTokens: 1000 };

beforeAll(async () => {
  sim = await startSimulator({ apiKey: FAKE_KEY, scenario: { seed: 9, account: { perMinute: 1000 } } });
  agent = await startAgentProcess({
    OPENROUTER_API_KEY: FAKE_KEY,
    OPENROUTER_BASE_URL: sim.baseURL,
    OPENROUTER_SMALL_POOL: `${NANO},${NANO30},${LLAMA3B}`,
    // The simulator allows 1000 calls a minute; the pool paces to that, so the account never decides a reply here.
    OPENROUTER_FREE_RPM: '1000',
    OPENROUTER_LARGE_POOL: `${NANO},${OSS},${LLAMA70}`,
    // The plugin's time constants, compressed five times like the models.
    OPENROUTER_MAX_WAIT_MS: String(s(60)),
    OPENROUTER_COOLDOWN_MS: [30, 60, 300].map(s).join(','),
    OPENROUTER_ATTEMPT_TIMEOUT_MS: String(s(60)),
    OPENROUTER_FIRST_CHUNK_TIMEOUT_MS: String(s(30)),
    OPENROUTER_REPLY_PATIENCE_MS: String(s(5)),
    OPENROUTER_SLOW_MARGIN_MS: String(s(5)),
    OPENROUTER_LATENCY_MEMORY_MS: String(s(600)),
    // ElizaOS logs each raw model answer at info ("Raw LLM response received"): it must never hold thinking.
    LOG_LEVEL: 'info',
  });
}, 300_000);

afterAll(async () => {
  await agent?.stop();
  await sim?.close();
}, 30_000);

/** Waits until the agent's status shows each of `models` ready (a think-only answer cooled it briefly). */
async function untilReady(models: string[]): Promise<void> {
  const url = `${agent.url}/api/agents/${agent.agentId}/plugins/openrouter-free/status?agentId=${agent.agentId}`;
  const ready = async () => {
    const status = (await fetch(url).then((r) => r.json())) as { tiers: Record<string, Array<{ model: string; state: string }>> };
    const rows = Object.values(status.tiers).flat();
    return models.every((m) => rows.filter((r) => r.model === m).every((r) => r.state === 'ready'));
  };
  await expect.poll(ready, { timeout: 20_000, interval: 200 }).toBe(true);
}

/** One message in a fresh session: the agent's reply, how long it took, and the calls it cost. */
async function ask(text: string, sessionId?: string) {
  const session = sessionId ?? (await createSession(agent));
  const before = sim.stats().total;
  const agentBefore = (await messagesOf(agent, session)).filter((m) => m.isAgent).length;
  const started = Date.now();
  await sendToSession(agent, session, text);
  const messages = await waitForAgentMessages(agent, session, agentBefore + 1);
  const ms = Date.now() - started;
  const reply = messages.filter((m) => m.isAgent).at(-1)!.content;
  return { session, reply, ms, calls: sim.stats().calls.slice(before) };
}

/** Shapes in which every model answers, and (last) shapes in which the first models give no answer and cool down. */
const SHAPES: Array<[string, () => void]> = [
  ['the reasoning in the reasoning field (message.reasoning, delta.reasoning)', () => shape({ style: 'field', tokens: 60 })],
  ['a <think> block in the content before the answer', () => shape({ style: 'inline', tokens: 60 })],
  ['a <thinking> block', () => shape({ style: 'inline', tag: 'thinking', tokens: 60 })],
  ['a closing </think> without its opener', () => shape({ style: 'no_opener', tokens: 60 })],
];
/**
 * Shapes with no answer from the first models of each tier, which by then are the small tier's
 * NANO30 and the large tier's OSS (NANO is behind them: it was slow). The models after them answer.
 */
const NO_ANSWER_SHAPES: Array<[string, () => void, string[]]> = [
  ['an unclosed <think> cut by the length limit (first model)', () => shape({ style: 'field', tokens: 20 }, { [NANO30]: OVERTHINKER, [OSS]: OVERTHINKER }), [NANO30, OSS]],
  [
    'empty content after the reasoning used the budget (first two models)',
    () => shape({ style: 'field', tokens: 20 }, { [NANO30]: BUDGET_IN_FIELD, [LLAMA3B]: BUDGET_IN_FIELD, [OSS]: BUDGET_IN_FIELD, [LLAMA70]: BUDGET_IN_FIELD }),
    [NANO30, LLAMA3B, OSS, LLAMA70],
  ],
];
const figures: string[] = [];
afterAll(() => {
  if (figures.length) console.info(`Reasoning replies through the server (compressed 5x):\n  ${figures.join('\n  ')}`);
});

describe('every shape of a reasoning model gives the person a clean reply', () => {
  const check = ([name, apply, noAnswer]: [string, () => void, string[]?], i: number) =>
    it(name, async () => {
      if (noAnswer) await untilReady(noAnswer);
      apply();
      const r = await ask(`Hello, how are you? (shape ${i + 1})`);
      expect(r.reply, JSON.stringify(r.calls)).toMatch(ANSWER);
      expect(r.reply).not.toMatch(THOUGHT);
      // Each call to a reasoning model asked for an effort on purpose (minimal to decide, low to reply, or less).
      for (const c of r.calls.filter((c) => REASONERS.includes(c.model))) expect(c.reasoning?.effort, JSON.stringify(c)).toMatch(/^(none|minimal|low)$/);
      // A model that gives no answer was asked, and the reply is another model's. (Which ones are
      // asked depends on what the pool remembers: a model whose thinking spent the budget before is
      // asked to think less, and may answer.)
      if (noAnswer) {
        expect(r.calls.some((c) => noAnswer.includes(c.model)), JSON.stringify(r.calls)).toBe(true);
        expect(noAnswer).not.toContain(ANSWER.exec(r.reply)![1]);
      }
      figures.push(`${name}: ${r.ms} ms (${r.calls.length} calls: ${r.calls.map((c) => `${c.model.split('/')[1]} ${c.status}`).join(', ')})`);
    }, 60_000);
  SHAPES.forEach(check);

  it('after one slow answer (25 s before its first token), the next messages go to a fast model with no extra call', async () => {
    // The first model of both tiers now thinks 25 s before it answers, even at the minimal effort
    // should-respond asks for (its think time scales with the effort: 125 s at its default); the others are quick.
    shape({ style: 'field', tokens: 20 }, { [NANO]: { reasoning: { style: 'field', tokens: 20, thinkMs: s(125) } } });
    const first = await ask('First message to a slow thinker');
    expect(first.reply).toMatch(ANSWER);
    // Should-respond met the slow model (it asks for minimal effort); the reply already went to another.
    expect(first.calls.filter((c) => c.model === NANO).map((c) => c.reasoning?.effort)).toEqual(['minimal']);
    expect(first.calls.map((c) => c.status)).toEqual(['200', '200']);
    const later = [];
    for (let i = 0; i < 3; i++) later.push(await ask(`Next message ${i + 1}`, first.session));
    for (const r of later) {
      expect(r.reply).toMatch(ANSWER);
      expect(r.calls.map((c) => c.model)).not.toContain(NANO);
      // No extra call: should-respond and the reply, one call each.
      expect(r.calls.map((c) => c.status)).toEqual(['200', '200']);
    }
    figures.push(`slow first model: the first message ${first.ms} ms, the next ${later.map((r) => `${r.ms} ms`).join(', ')}`);
  }, 90_000);

  NO_ANSWER_SHAPES.forEach((shape, i) => check(shape, SHAPES.length + i));


  it('nothing of the thinking reached the agent\'s memory or its log (ElizaOS logs each raw model answer)', async () => {
    const memories = await fetch(`${agent.url}/api/memory/${agent.agentId}/memories`).then((r) => r.text());
    expect(memories).toContain('Simulated reply from');
    expect(memories).not.toMatch(THOUGHT);
    expect(agent.output()).toContain('Raw LLM response received');
    expect(agent.output()).not.toMatch(THOUGHT);
    expect(agent.output()).not.toContain(FAKE_KEY);
  });
});

describe.skipIf(!chromiumPresent && !inCi)('the web chat (headless Chromium): its live stream shows the answer, never the thinking', () => {
  let browser: Browser | undefined;
  afterAll(async () => {
    await browser?.close();
  });

  for (const [name, reasoning] of [
    ['a <think> block before the answer', { style: 'inline', tokens: 80 }],
    ['a closing </think> without its opener', { style: 'no_opener', tokens: 80 }],
    ['the reasoning field, the first answer token after 5 s of reasoning', { style: 'field', tokens: 80, thinkMs: s(5) }],
  ] as Array<[string, ReasoningBehavior]>) {
    it(name, async () => {
      if (!chromiumPresent) throw new Error(`${CHROMIUM_MISSING}. CI must run this test: .ci/run installs chromium.`);
      shape(reasoning);
      browser ??= await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
      const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
      await context.route('**/*', (route) => (new URL(route.request().url()).hostname === '127.0.0.1' ? route.continue() : route.abort()));
      const page = await context.newPage();
      // What the web chat receives over its socket: each streamed chunk of the reply.
      const chunks: string[] = [];
      page.on('websocket', (ws) =>
        ws.on('framereceived', ({ payload }) => {
          const text = String(payload);
          if (!text.includes('messageStreamChunk')) return;
          const event = JSON.parse(text.slice(text.indexOf('['))) as [string, { chunk?: string }];
          if (event[0] === 'messageStreamChunk' && typeof event[1]?.chunk === 'string') chunks.push(event[1].chunk);
        }),
      );
      await page.goto(`${agent.url}/chat/${agent.agentId}`);
      const replies = page.getByText(ANSWER);
      const before = await replies.count();
      await page.getByPlaceholder('Type your message here...').fill('Hi from the web chat');
      await page.keyboard.press('Enter');
      await expect.poll(() => replies.count(), { timeout: 45_000 }).toBeGreaterThan(before);
      const shown = (await replies.last().textContent())!;
      expect(shown).not.toMatch(THOUGHT);
      // The live stream carried the answer, and nothing but the answer.
      expect(chunks.length).toBeGreaterThan(0);
      expect(chunks.join('')).toMatch(ANSWER);
      for (const chunk of chunks) expect(chunk).not.toMatch(THOUGHT);
      expect(await page.content()).not.toMatch(THOUGHT);
      // The reply (TEXT_LARGE) asked its reasoning model for a low effort.
      expect(sim.stats().calls.filter((c) => REASONERS.includes(c.model)).at(-1)?.reasoning?.effort).toBe('low');
      await context.close();
    }, 90_000);
  }
});
