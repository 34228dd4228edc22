/**
 * The official @elizaos/plugin-openrouter (npm, pinned in bun.lock) loaded beside this plugin, as
 * ElizaOS's project template does whenever OPENROUTER_API_KEY is set: a real AgentRuntime with both,
 * both pointed at the simulator on loopback. The start-up warning names it, says which types this
 * plugin answers instead (by priority) and which it would serve and may bill for, and how to keep
 * those free; and the text types really are answered by this plugin's free pool.
 */
import { ModelType, type AgentRuntime, type Plugin } from '@elizaos/core';
import officialPlugin from '@elizaos/plugin-openrouter';
import openrouterFreePlugin from '@freepool/plugin-openrouter-free';
import { startSimulator, type Simulator } from '@freepool/openrouter-simulator';
import { afterEach, describe, expect, it } from 'vitest';
import { FAKE_KEY, FAST_SETTINGS, PINNED_POOLS, SMALL, startRuntime, stopRuntime } from './helpers/runtime.js';

let sim: Simulator | undefined;
let runtime: AgentRuntime | undefined;
afterEach(async () => {
  await stopRuntime(runtime);
  await sim?.close();
  runtime = undefined;
  sim = undefined;
});

function logLines(into: { level: string; text: string }[]) {
  return (rt: AgentRuntime) => {
    for (const level of ['warn', 'info'] as const) {
      const original = rt.logger[level].bind(rt.logger);
      rt.logger[level] = (obj: unknown, msg?: string, ...rest: unknown[]) => {
        into.push({ level, text: typeof obj === 'string' ? obj : String(msg) });
        return original(obj as never, msg, ...rest);
      };
    }
  };
}

async function start(plugins: Plugin[]) {
  sim = await startSimulator({ apiKey: FAKE_KEY });
  const lines: { level: string; text: string }[] = [];
  runtime = await startRuntime(
    { OPENROUTER_API_KEY: FAKE_KEY, OPENROUTER_BASE_URL: sim.baseURL, ...FAST_SETTINGS, ...PINNED_POOLS },
    { plugins, beforeInit: logLines(lines) },
  );
  await runtime.initPromise;
  return { sim, runtime, lines };
}

describe('other model plugins are named at start-up', () => {
  it('with @elizaos/plugin-openrouter loaded: one warning names it, the types this plugin wins, the ones it would bill for, and how to keep them free', async () => {
    const { sim, runtime, lines } = await start([officialPlugin, openrouterFreePlugin]);
    const about = lines.filter((l) => l.text.includes('@elizaos/plugin-openrouter'));
    expect(about).toHaveLength(1);
    const { level, text } = about[0]!;
    expect(level).toBe('warn');
    expect(text).toMatch(/^openrouter \(@elizaos\/plugin-openrouter\) is loaded too and registers /);
    const answered = /This plugin answers ([A-Z_, ]+) itself, with free models \(its priority wins: 10 over 0\)\./.exec(text);
    expect(answered?.[1]?.split(', ').sort()).toEqual(['IMAGE_DESCRIPTION', 'OBJECT_LARGE', 'OBJECT_SMALL', 'TEXT_LARGE', 'TEXT_SMALL']);
    const billed = /openrouter would serve ([A-Z_, ]+), which may cost money: its default models for them are paid OpenRouter models\./.exec(text);
    expect(billed?.[1]?.split(', ').sort()).toEqual(['IMAGE', 'TEXT_EMBEDDING']);
    expect(text).toContain("To keep them free, remove @elizaos/plugin-openrouter from the character's plugins");
    expect(text).toContain('src/character.ts whenever OPENROUTER_API_KEY is set');
    expect(text).toMatch(/ElizaOS then runs without embeddings .*@elizaos\/plugin-ollama \(OLLAMA_EMBEDDING_MODEL\); the agent then generates no images\.$/);
    // Nor is it offered as a last resort: past the free tier, the same account only has paid models.
    expect(lines.filter((l) => l.text.includes('OPENROUTER_LAST_RESORT_HANDLER'))).toEqual([]);

    // And it is true: text goes to this plugin's free pool, never to the official plugin's paid default.
    const answer = await runtime.useModel(ModelType.TEXT_SMALL, { prompt: 'Say hello' });
    expect(answer).toMatch(/^Simulated reply from /);
    const called = Object.keys(sim.stats().byModel);
    expect(called).toEqual([SMALL[0]]);
    expect(JSON.stringify(lines)).not.toContain(FAKE_KEY);
  }, 60_000);

  it('alone, the plugin names no other model plugin', async () => {
    const { lines } = await start([openrouterFreePlugin]);
    expect(lines.filter((l) => l.text.includes('is loaded too'))).toEqual([]);
  }, 60_000);
});
