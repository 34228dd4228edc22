/**
 * The "day" scenario: one day's conversation with an agent whose free tier allows 50 calls, through
 * a real AgentRuntime (the core's message service, plugin-bootstrap's evaluators, this plugin) on
 * the simulator, in a group room (2 free calls a message: should-respond, then the reply). Run three
 * ways: as before this plugin had a reserve and a notice (reserve 0, notice off), with the defaults
 * (reserve 20%, notice on), and with a last resort (a second simulator as the local server).
 */
import { randomUUID } from 'node:crypto';
import { AgentRuntime, ChannelType, type Content, type UUID } from '@elizaos/core';
import bootstrapPlugin from '@elizaos/plugin-bootstrap';
import sqlPlugin from '@elizaos/plugin-sql';
import { startSimulator, type Simulator } from '@freepool/openrouter-simulator';
import { markdownTable } from '../lib/table.js';
import openrouterFreePlugin from '@freepool/plugin-openrouter-free';
import { callPriority } from '../../packages/plugin-openrouter-free/src/fallback/call-priority.js';
import { getPoolEntry } from '../../packages/plugin-openrouter-free/src/pool-registry.js';

const FAKE_KEY = 'sk-or-v1-FAKE-bench-day-0000';
/** The daily cap of an account that never bought credits. */
export const DAY_CAP = 50;
/** User messages offered in the day: more than the cap can answer at 2 calls each. */
export const DAY_MESSAGES = 40;
/** A compressed minute: OpenRouter's 20 calls a minute become 20 a second, for pool and simulator alike. */
const MINUTE_MS = 1_000;
/** The compressed day: the simulator's daily counter resets this long after the run starts (not during it). */
const DAY_MS = 10 * 60_000;
const LOCAL_MODEL = 'google/gemma-3-12b-it:free';
const SMALL = 'meta-llama/llama-3.2-3b-instruct:free,google/gemma-3n-e4b-it:free';
const LARGE = 'openai/gpt-oss-120b:free,meta-llama/llama-3.3-70b-instruct:free';
const NOTICE = /^The free models for this agent have used today's quota\./;

export type DayVariant = 'before' | 'reserve+notice' | 'reserve+notice+last resort';
export const DAY_VARIANTS: DayVariant[] = ['before', 'reserve+notice', 'reserve+notice+last resort'];

export interface DayResult {
  variant: DayVariant;
  messages: number;
  answeredFree: number;
  answeredLastResort: number;
  answeredNotice: number;
  silent: number;
  /** Free calls that reached OpenRouter for background work while the reserve was in force. */
  backgroundInReserve: number;
  /** Free calls that reached OpenRouter and failed (they count against the day too). */
  wastedOnErrors: number;
  freeCalls: number;
}

export async function runDay(variant: DayVariant, messages = DAY_MESSAGES): Promise<DayResult> {
  const sim = await startSimulator({
    scenario: { seed: 5, account: { perMinute: 20, windowMs: MINUTE_MS, daily: DAY_CAP, dailyResetAt: Date.now() + DAY_MS, dailyWindowMs: DAY_MS } },
  });
  const local: Simulator | undefined = variant.endsWith('last resort') ? await startSimulator({ scenario: { seed: 6, account: { perMinute: 100_000 } } }) : undefined;
  const secrets: Record<string, string> = {
    OPENROUTER_API_KEY: FAKE_KEY,
    OPENROUTER_BASE_URL: sim.baseURL,
    OPENROUTER_SMALL_POOL: SMALL,
    OPENROUTER_LARGE_POOL: LARGE,
    OPENROUTER_FREE_RPM: '20',
    OPENROUTER_RATE_WINDOW_MS: String(MINUTE_MS),
    OPENROUTER_MAX_WAIT_MS: String(MINUTE_MS),
    OPENROUTER_CATALOG_REFRESH: 'false',
    OPENROUTER_PERSIST_STATE: 'false',
    ...(variant === 'before' ? { OPENROUTER_DAILY_RESERVE: '0', OPENROUTER_NOTICE: 'off' } : {}),
    ...(local ? { OPENROUTER_LAST_RESORT_URL: local.baseURL, OPENROUTER_LAST_RESORT_MODEL: LOCAL_MODEL, OPENROUTER_LAST_RESORT_API_KEY: 'local-FAKE' } : {}),
  };
  const runtime = new AgentRuntime({
    character: { name: 'DayBench', bio: ['Talks all day'], settings: { PGLITE_DATA_DIR: 'memory://', secrets } },
    plugins: [sqlPlugin, openrouterFreePlugin, bootstrapPlugin],
  });
  const quiet = () => {};
  for (const level of ['info', 'warn', 'error', 'debug'] as const) (runtime.logger as unknown as Record<string, unknown>)[level] = quiet;
  await runtime.registerPlugin(sqlPlugin);
  await runtime.runPluginMigrations();
  await runtime.initialize();

  // Which free calls were background work sent while the reserve was in force.
  let backgroundInReserve = 0;
  const useModel = runtime.useModel.bind(runtime);
  runtime.useModel = (async (modelType: string, params: unknown, provider?: string) => {
    const background = callPriority(modelType, {}) === 'background';
    const inForce = getPoolEntry(runtime)?.pool?.status().daily.reserveInForce === true;
    const before = sim.stats().total;
    try {
      return await useModel(modelType as never, params as never, provider);
    } finally {
      if (background && inForce) backgroundInReserve += sim.stats().total - before;
    }
  }) as AgentRuntime['useModel'];

  const roomId = randomUUID() as UUID;
  const worldId = randomUUID() as UUID;
  const entityId = randomUUID() as UUID;
  await runtime.ensureConnection({ entityId, roomId, worldId, userName: 'person', name: 'Person', source: 'bench', type: ChannelType.GROUP, channelId: roomId });

  const result: DayResult = { variant, messages, answeredFree: 0, answeredLastResort: 0, answeredNotice: 0, silent: 0, backgroundInReserve: 0, wastedOnErrors: 0, freeCalls: 0 };
  for (let i = 0; i < messages; i++) {
    const replies: Content[] = [];
    const memory = { id: randomUUID() as UUID, entityId, agentId: runtime.agentId, roomId, worldId, content: { text: `message ${i + 1} of the day`, source: 'bench', channelType: ChannelType.GROUP }, createdAt: Date.now() };
    await runtime
      .messageService!.handleMessage(runtime, memory, async (c) => {
        if (typeof c.text === 'string' && c.text) replies.push(c);
        return [];
      })
      .catch(() => undefined);
    const text = String(replies[0]?.text ?? '');
    if (!text) result.silent++;
    else if (NOTICE.test(text)) result.answeredNotice++;
    else if (text.startsWith(`Simulated reply from ${LOCAL_MODEL}`)) result.answeredLastResort++;
    else result.answeredFree++;
  }
  const stats = sim.stats();
  result.freeCalls = stats.total;
  result.wastedOnErrors = stats.calls.filter((c) => c.status !== '200').length;
  result.backgroundInReserve = backgroundInReserve;

  await new Promise((r) => setTimeout(r, 200)); // useModel's unawaited log write
  await runtime.stop();
  await runtime.adapter?.close();
  const singletons = (globalThis as Record<symbol, { pgLiteClientManager?: unknown } | undefined>)[Symbol.for('@elizaos/plugin-sql/global-singletons')];
  if (singletons) delete singletons.pgLiteClientManager;
  await sim.close();
  await local?.close();
  return result;
}

/** The day table, as the bench prints it and docs/benchmark.md quotes it. */
export function dayTable(rows: DayResult[]): string {
  const head = ['run', 'messages', 'answered by free models', 'by the last resort', 'with the notice', 'left silent', 'background calls in the reserve', 'free calls wasted on errors', 'free calls'];
  return markdownTable(head, rows.map((r) => [r.variant, r.messages, r.answeredFree, r.answeredLastResort, r.answeredNotice, r.silent, r.backgroundInReserve, r.wastedOnErrors, r.freeCalls]));
}
