/**
 * One process of a fleet: two agents, each on its own PGlite, sharing the pool state with the other
 * processes through OPENROUTER_STATE_URL. Driven by JSON lines on stdin; answers with `@@{json}` lines.
 *
 *   {"cmd":"run","requests":N,"agents":[0,1]}  each listed agent sends N TEXT_SMALL requests at once
 *   {"cmd":"flush"}                             health changes not yet published go out
 *   {"cmd":"stop"}                              stops the agents, reports the warnings, exits 0
 */
import { ModelType, type AgentRuntime } from '@elizaos/core';
import { DailyLimitError, FreeModelPoolError } from '@freepool/free-model-pool';
import { createInterface } from 'node:readline';
import { getPoolEntry } from '../../src/pool-registry.js';
import { startRuntime } from '../helpers/runtime.js';

const settings = JSON.parse(process.env.FLEET_SETTINGS ?? '{}') as Record<string, string>;
const agentCount = Number(process.env.FLEET_AGENTS ?? '2');
const warnings: string[] = [];
const infos: string[] = [];

function reply(x: unknown): void {
  process.stdout.write(`@@${JSON.stringify(x)}\n`);
}

function hook(rt: AgentRuntime): void {
  const warn = rt.logger.warn.bind(rt.logger);
  rt.logger.warn = (obj: unknown, msg?: string, ...rest: unknown[]) => {
    warnings.push(typeof obj === 'string' ? obj : String(msg));
    return warn(obj as never, msg, ...rest);
  };
  const info = rt.logger.info.bind(rt.logger);
  rt.logger.info = (obj: unknown, msg?: string, ...rest: unknown[]) => {
    infos.push(typeof obj === 'string' ? obj : String(msg));
    return info(obj as never, msg, ...rest);
  };
}

/** Each agent gets a PGlite of its own: plugin-sql keeps one per process in a global, forgotten between starts. */
function forgetPglite(): void {
  const singletons = (globalThis as Record<symbol, { pgLiteClientManager?: unknown } | undefined>)[Symbol.for('@elizaos/plugin-sql/global-singletons')];
  if (singletons) delete singletons.pgLiteClientManager;
}

const agents: AgentRuntime[] = [];
for (let i = 0; i < agentCount; i++) {
  forgetPglite();
  agents.push(await startRuntime(settings, { beforeInit: hook }));
}
reply({ ready: true });

async function one(rt: AgentRuntime, i: number) {
  try {
    await rt.useModel(ModelType.TEXT_SMALL, { prompt: `fleet request ${i}` });
    return 'ok';
  } catch (e) {
    if (DailyLimitError.isInstance(e)) return /no free model was called/.test(e.message) && e.attempts.every((a) => a.outcome === 'skipped') ? 'daily' : 'daily_after_call';
    return FreeModelPoolError.isInstance(e) ? `error:${e.reason}` : `crash:${String(e)}`;
  }
}

const sharedWarnings = () => warnings.filter((w) => /shared pool state is unreachable/.test(w)).length;
const rejoins = () => infos.filter((m) => /shared pool state is reachable again/.test(m)).length;

const lines = createInterface({ input: process.stdin });
for await (const line of lines) {
  const msg = JSON.parse(line) as { cmd: string; requests?: number; agents?: number[] };
  if (msg.cmd === 'run') {
    const which = msg.agents ?? agents.map((_, i) => i);
    const outcomes = await Promise.all(which.flatMap((a) => Array.from({ length: msg.requests ?? 1 }, (_, i) => one(agents[a]!, i))));
    const counts: Record<string, number> = {};
    for (const o of outcomes) counts[o] = (counts[o] ?? 0) + 1;
    reply({ counts, sharedWarnings: sharedWarnings(), rejoins: rejoins() });
  } else if (msg.cmd === 'flush') {
    for (const rt of agents) await getPoolEntry(rt)?.pool?.account.flush();
    reply({ flushed: true });
  } else if (msg.cmd === 'stop') {
    await new Promise((r) => setTimeout(r, 200)); // useModel's unawaited database log
    for (const rt of agents) {
      await rt.stop();
      await rt.adapter?.close();
    }
    reply({ sharedWarnings: sharedWarnings(), rejoins: rejoins() });
    break;
  }
}
process.exit(0);
