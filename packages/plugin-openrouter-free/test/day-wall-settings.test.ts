import { ModelType, type AgentRuntime } from '@elizaos/core';
import { DailyReserveError, FreeModelPoolError } from '@freepool/free-model-pool';
import { startSimulator, type Simulator } from '@freepool/openrouter-simulator';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_BUSY_NOTICE, DEFAULT_NOTICE, parseSettings } from '../src/config.js';
import { formatWait, noticeAnswer, noticeFor } from '../src/fallback/notice.js';
import { FAKE_KEY, FAST_SETTINGS, PINNED_POOLS, startRuntime, stopRuntime } from './helpers/runtime.js';
import { settingsError } from './helpers/settings-error.js';

const LR_KEY = 'local-FAKE-last-resort-key-0000';

const configError = settingsError;

describe("settings for the day's wall", () => {
  it('defaults: reserve left to the engine (20%), no last resort, the notice on', () => {
    const s = parseSettings({ OPENROUTER_API_KEY: FAKE_KEY });
    expect(s.policy).toEqual({});
    expect(s).toMatchObject({ priorityOverrides: {}, nextHandler: false, notice: { daily: DEFAULT_NOTICE, busy: DEFAULT_BUSY_NOTICE } });
    expect(s.lastResort).toBeUndefined();
  });

  it('OPENROUTER_DAILY_RESERVE takes calls, a share, or 0; anything else names the setting', () => {
    expect(parseSettings({ OPENROUTER_DAILY_RESERVE: '10' }).policy).toEqual({ dailyReserve: 10 });
    expect(parseSettings({ OPENROUTER_DAILY_RESERVE: 0 }).policy).toEqual({ dailyReserve: 0 });
    expect(parseSettings({ OPENROUTER_DAILY_RESERVE: '25%' }).policy).toEqual({ dailyReserveShare: 0.25 });
    const e = configError({ OPENROUTER_DAILY_RESERVE: 'lots' });
    expect(e.setting).toBe('OPENROUTER_DAILY_RESERVE');
    expect(e.message).toMatch(/expected a number of calls \(e\.g\. 10\), a share of the daily limit \(e\.g\. 20%\), or 0/);
    expect(configError({ OPENROUTER_DAILY_RESERVE: '100%' }).setting).toBe('OPENROUTER_DAILY_RESERVE');
  });

  it('OPENROUTER_CALL_PRIORITY pins model types; an unknown type or priority is refused', () => {
    expect(parseSettings({ OPENROUTER_CALL_PRIORITY: 'object_small=background, TEXT_SMALL=reply' }).priorityOverrides).toEqual({
      OBJECT_SMALL: 'background',
      TEXT_SMALL: 'reply',
    });
    expect(configError({ OPENROUTER_CALL_PRIORITY: 'TEXT_HUGE=reply' }).setting).toBe('OPENROUTER_CALL_PRIORITY');
    expect(configError({ OPENROUTER_CALL_PRIORITY: 'TEXT_SMALL=later' }).setting).toBe('OPENROUTER_CALL_PRIORITY');
  });

  it('the last resort needs a URL and a model; its key never reaches an error', () => {
    const s = parseSettings({ OPENROUTER_LAST_RESORT_URL: 'http://127.0.0.1:11434/v1/', OPENROUTER_LAST_RESORT_MODEL: 'llama3.2', OPENROUTER_LAST_RESORT_API_KEY: LR_KEY, OPENROUTER_LAST_RESORT_TIMEOUT_MS: '9000' });
    expect(s.lastResort).toEqual({ baseURL: 'http://127.0.0.1:11434/v1', model: 'llama3.2', apiKey: LR_KEY, timeoutMs: 9000 });
    const missing = configError({ OPENROUTER_LAST_RESORT_URL: 'http://127.0.0.1:11434/v1' });
    expect(missing.setting).toBe('OPENROUTER_LAST_RESORT_MODEL');
    expect(missing.message).toMatch(/^OPENROUTER_LAST_RESORT_MODEL is not set/);
    const bad = configError({ OPENROUTER_LAST_RESORT_URL: LR_KEY, OPENROUTER_LAST_RESORT_API_KEY: LR_KEY });
    expect(bad.setting).toBe('OPENROUTER_LAST_RESORT_URL');
    expect(bad.message).not.toContain(LR_KEY);
    expect(parseSettings({ OPENROUTER_LAST_RESORT_HANDLER: 'true' }).nextHandler).toBe('*');
    expect(parseSettings({ OPENROUTER_LAST_RESORT_HANDLER: '@elizaos/plugin-ollama' }).nextHandler).toBe('@elizaos/plugin-ollama');
    expect(parseSettings({ OPENROUTER_LAST_RESORT_HANDLER: false }).nextHandler).toBe(false);
  });

  it('OPENROUTER_NOTICE=off turns every notice off; OPENROUTER_BUSY_NOTICE=off reuses the daily text', () => {
    expect(parseSettings({ OPENROUTER_NOTICE: 'off' }).notice).toBe(false);
    expect(parseSettings({ OPENROUTER_NOTICE: 'Back at {time}.', OPENROUTER_BUSY_NOTICE: 'off' }).notice).toEqual({ daily: 'Back at {time}.', busy: 'Back at {time}.' });
  });
});

describe('the notice', () => {
  const NOW = Date.parse('2026-12-02T20:48:00Z');
  const texts = { daily: DEFAULT_NOTICE, busy: DEFAULT_BUSY_NOTICE };

  it('says when free models answer again, in words', () => {
    expect(formatWait(3 * 3_600_000 + 12 * 60_000)).toBe('3 h 12 min');
    expect(formatWait(2 * 3_600_000)).toBe('2 h');
    expect(formatWait(90_000)).toBe('2 min');
    expect(formatWait(0)).toBe('less than a minute');
    const daily = new FreeModelPoolError('x', { reason: 'account_daily_limit', retryAt: Date.parse('2026-12-03T00:00:00Z') });
    expect(noticeFor(daily, texts, NOW)).toBe("The free models for this agent have used today's quota. They answer again at 00:00 UTC (in 3 h 12 min).");
    const busy = new FreeModelPoolError('x', { reason: 'model_rate_limit', retryAt: NOW + 45_000 });
    expect(noticeFor(busy, texts, NOW)).toBe('The free models for this agent are all busy right now. Please try again in 1 min.');
    expect(noticeFor(new Error('other'), texts, NOW)).toBeUndefined();
  });

  it('fits the reply prompt and the should-respond prompt, and nothing else', () => {
    const reply = noticeAnswer('... <response><thought>..</thought><actions>..</actions><text>..</text></response>', 'Back at 00:00 <soon> & then');
    expect(reply).toContain('<actions>REPLY</actions>');
    expect(reply).toContain('<text>Back at 00:00 &lt;soon&gt; &amp; then</text>');
    expect(noticeAnswer('<response><name/><reasoning/><action>RESPOND | IGNORE | STOP</action></response>', 'n')).toContain('<action>RESPOND</action>');
    expect(noticeAnswer('Extract facts as JSON', 'n')).toBeUndefined();
  });
});

describe('OPENROUTER_CALL_PRIORITY in a runtime', () => {
  let sim: Simulator | undefined;
  let runtime: AgentRuntime | undefined;
  afterEach(async () => {
    await stopRuntime(runtime);
    await sim?.close();
    runtime = sim = undefined;
  });

  it('a model type pinned to background is refused at the reserve without a call, whoever calls it', async () => {
    sim = await startSimulator({ apiKey: FAKE_KEY, scenario: { account: { perMinute: 1000, daily: 5 } } });
    runtime = await startRuntime({
      OPENROUTER_API_KEY: FAKE_KEY,
      OPENROUTER_BASE_URL: sim.baseURL,
      ...FAST_SETTINGS,
      ...PINNED_POOLS,
      OPENROUTER_DAILY_RESERVE: '5',
      OPENROUTER_CALL_PRIORITY: 'OBJECT_SMALL=background',
    });
    const refused = await runtime.useModel(ModelType.OBJECT_SMALL, { prompt: 'facts as JSON' }).catch((e: unknown) => e);
    expect(DailyReserveError.isInstance(refused)).toBe(true);
    await expect(runtime.useModel(ModelType.TEXT_SMALL, { prompt: 'a reply' })).resolves.toEqual(expect.any(String));
    expect(sim.stats().total).toBe(1);
  }, 30_000);
});
