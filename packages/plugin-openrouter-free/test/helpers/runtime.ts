import { AgentRuntime, type Character, type Plugin } from '@elizaos/core';
import sqlPlugin from '@elizaos/plugin-sql';
import openrouterFreePlugin from '@freepool/plugin-openrouter-free';

/** Distinctive and obviously fake, so a leak check can search every output for it. */
export const FAKE_KEY = 'sk-or-v1-FAKE-plugin-test-key-0000-LEAKCHECK';

/**
 * Settings that keep tests fast: a generous account window (the simulator's is raised to match),
 * cooldowns longer than the wait, and short waits.
 */
export const FAST_SETTINGS: Record<string, string> = {
  OPENROUTER_FREE_RPM: '1000',
  OPENROUTER_RATE_WINDOW_MS: '60000',
  OPENROUTER_MAX_WAIT_MS: '2000',
  // Longer than the wait: a model that failed stays out for the rest of a test, so "every model
  // fails" means no answer rather than a wait for the first cooldown to end.
  OPENROUTER_COOLDOWN_MS: '5000',
  // Each test exercises one tier; falling back across tiers is tested in the engine.
  OPENROUTER_TIER_FALLBACK: 'off',
  OPENROUTER_ATTEMPT_TIMEOUT_MS: '5000',
  OPENROUTER_CATALOG_TIMEOUT_MS: '2000',
};

export const SMALL = ['meta-llama/llama-3.2-3b-instruct:free', 'google/gemma-3n-e4b-it:free', 'liquid/lfm-2.5-1.2b-instruct:free'];
export const LARGE = ['openai/gpt-oss-120b:free', 'meta-llama/llama-3.3-70b-instruct:free', 'nousresearch/hermes-3-llama-3.1-405b:free'];
export const VISION = ['google/gemma-3-27b-it:free', 'google/gemma-3-12b-it:free'];

/** Pinned pools, so tests know which model is tried first. */
export const PINNED_POOLS: Record<string, string> = {
  OPENROUTER_SMALL_POOL: SMALL.join(','),
  OPENROUTER_LARGE_POOL: LARGE.join(','),
  OPENROUTER_VISION_POOL: VISION.join(','),
};

export interface StartOptions {
  system?: string;
  plugins?: Plugin[];
  /** PGlite data directory; default `memory://`. A directory on disk lets a second runtime reopen it. */
  dataDir?: string;
  /**
   * Start the way the ElizaOS server does: every plugin's init at once, so ours may run before
   * plugin-sql has registered the database. Needs a database that already has its tables.
   */
  serverOrder?: boolean;
  /** Called between construction and initialize (hook loggers, register events). */
  beforeInit?: (runtime: AgentRuntime) => void;
}

/**
 * A real AgentRuntime on PGlite (`memory://`) with the plugin registered. plugin-sql first, then its
 * migrations, then initialize: on a fresh database initialize alone fails, because @elizaos/core
 * 1.7.2 looks the agent up (ensureAgentExists) before it runs the plugin migrations that create its table.
 */
export async function startRuntime(secrets: Record<string, string>, opts: StartOptions = {}): Promise<AgentRuntime> {
  const character: Character = {
    name: 'PoolTester',
    bio: ['Tests the free-model pool plugin'],
    ...(opts.system ? { system: opts.system } : {}),
    settings: { PGLITE_DATA_DIR: opts.dataDir ?? 'memory://', secrets },
  };
  const runtime = new AgentRuntime({ character, plugins: [sqlPlugin, ...(opts.plugins ?? [openrouterFreePlugin])] });
  opts.beforeInit?.(runtime);
  if (!opts.serverOrder) {
    await runtime.registerPlugin(sqlPlugin);
    await runtime.runPluginMigrations();
  }
  await runtime.initialize();
  trackDatabaseLogs(runtime);
  return runtime;
}

/** The database log writes of each runtime still in flight. */
const pendingLogs = new WeakMap<AgentRuntime, Set<Promise<void>>>();

/**
 * useModel writes its log row without awaiting it (@elizaos/core 1.7.2 `logModelCall`): the writes
 * are kept here, so a test can wait for them to end before it closes the database.
 */
function trackDatabaseLogs(runtime: AgentRuntime): void {
  const adapter = runtime.adapter as unknown as { log?: (params: unknown) => Promise<void> } | undefined;
  if (!adapter?.log) return;
  const log = adapter.log.bind(adapter);
  const pending = new Set<Promise<void>>();
  pendingLogs.set(runtime, pending);
  adapter.log = (params) => {
    const written = log(params);
    // Watched on a copy: the runtime still gets the write's own promise, rejection and all.
    const ended = Promise.resolve(written).then(
      () => undefined,
      () => undefined,
    );
    pending.add(ended);
    void ended.then(() => pending.delete(ended));
    return written;
  };
}

/** Until every database log write a runtime started has ended. */
export async function logsWritten(runtime: AgentRuntime | undefined): Promise<void> {
  const pending = runtime ? pendingLogs.get(runtime) : undefined;
  while (pending && pending.size > 0) await Promise.all([...pending]);
}

/** Stops a runtime once its database log writes have ended, then closes its database. */
export async function stopRuntime(runtime: AgentRuntime | undefined): Promise<void> {
  if (!runtime) return;
  await logsWritten(runtime);
  await runtime.stop();
  await runtime.adapter?.close();
  // plugin-sql keeps one PGlite per process in a global and never recreates it once closed; forget
  // it so the next runtime of this test file gets a fresh in-memory database.
  const singletons = (globalThis as Record<symbol, { pgLiteClientManager?: unknown } | undefined>)[
    Symbol.for('@elizaos/plugin-sql/global-singletons')
  ];
  if (singletons) delete singletons.pgLiteClientManager;
}

/**
 * Stops agents of one process that share its PGlite: the others first, leaving the database open,
 * then `first` with it (stopRuntime).
 */
export async function stopSharing(first: AgentRuntime | undefined, ...others: Array<AgentRuntime | undefined>): Promise<void> {
  for (const rt of others) {
    await logsWritten(rt);
    await rt?.stop().catch(() => undefined);
  }
  await stopRuntime(first).catch(() => undefined);
}

/** Wraps runtime.logger.warn (pass as `beforeInit`) so a test can read what the plugin warned about. */
export function captureWarnings(into: string[]) {
  return (rt: AgentRuntime) => {
    const warn = rt.logger.warn.bind(rt.logger);
    rt.logger.warn = (obj: unknown, msg?: string, ...rest: unknown[]) => {
      into.push(typeof obj === 'string' ? obj : String(msg));
      return warn(obj as never, msg, ...rest);
    };
  };
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Calls per model, from the simulator's stats. */
export function callsByModel(stats: { calls: Array<{ model: string; status: string; kind: string }> }): string[] {
  return stats.calls.map((c) => `${c.model} ${c.status}`);
}
