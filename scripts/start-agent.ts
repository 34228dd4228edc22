/**
 * `bun run start`: an ElizaOS agent you can talk to, on free OpenRouter models.
 *
 * Loads characters/free-agent.json (or --character <path> / CHARACTER), which enables
 * @freepool/plugin-openrouter-free by package name, and serves the ElizaOS REST API and web chat with
 * @elizaos/server's AgentServer on SERVER_PORT (default 3000). Without OPENROUTER_API_KEY (or with
 * --simulator) it starts the OpenRouter simulator on loopback and points the agent at it, and says so.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const DEFAULT_CHARACTER = path.join(repoRoot, 'characters', 'free-agent.json');
const DEFAULT_PORT = 3000;
/** Agent data (PGlite) lives in the gitignored .eliza/ of the repo unless PGLITE_DATA_DIR says otherwise. */
const DEFAULT_DATA_DIR = path.join(repoRoot, '.eliza', '.elizadb');
/** Obviously fake: the simulator accepts any key, and nothing real is ever sent. */
const SIMULATOR_KEY = 'sk-or-v1-FAKE-simulator-key-0000';
/** How long shutdown may take before the process exits anyway. */
const SHUTDOWN_TIMEOUT_MS = 10_000;

/**
 * The offline demo's simulator: answers everything, after a realistic delay, but each model serves
 * only a few calls per minute upstream, so a conversation soon shows the pool rotating.
 */
const MILD_SCENARIO = {
  seed: 7,
  latencyMs: [150, 600] as [number, number],
  defaultBehavior: { upstreamLimit: { requests: 3, windowMs: 60_000, style: 'upstream' as const } },
};

// ---------------------------------------------------------------------------------------------

// .env at the repo root (bun also reads one from the working directory; existing variables win).
const envFile = path.join(repoRoot, '.env');
if (existsSync(envFile)) process.loadEnvFile(envFile);

const { values: args } = parseArgs({
  options: {
    character: { type: 'string', short: 'c' },
    port: { type: 'string', short: 'p' },
    // Use the simulator even when a key is set (tests, offline demos).
    simulator: { type: 'boolean', default: false },
  },
});
const characterPath = path.resolve(args.character ?? process.env.CHARACTER ?? DEFAULT_CHARACTER);
const port = (() => {
  try {
    return parsePort(args.port ?? process.env.SERVER_PORT);
  } catch (error) {
    return fail(error);
  }
})();

// Never `bun add` a missing plugin behind the user's back: fail with the import error instead.
process.env.ELIZA_NO_AUTO_INSTALL ??= 'true';
// The API has no authentication unless ELIZA_SERVER_AUTH_TOKEN is set: listen on loopback by default.
process.env.SERVER_HOST ??= '127.0.0.1';
// @elizaos/server reports errors to ElizaOS's Sentry project unless SENTRY_DSN names another one;
// an unparseable DSN disables the Sentry client, so nothing leaves the machine but model calls.
if (!process.env.SENTRY_DSN?.trim()) process.env.SENTRY_DSN = 'disabled';
process.env.LOG_LEVEL ??= 'info';

// ElizaOS imports the plugin by package name, which resolves to its built dist/.
const pluginEntry = path.join(repoRoot, 'packages', 'plugin-openrouter-free', 'dist', 'index.js');
if (!existsSync(pluginEntry)) {
  console.error(`@freepool/plugin-openrouter-free is not built (${path.relative(repoRoot, pluginEntry)} is missing): run \`bun run build\`, or use \`bun run start\`, which builds first.`);
  process.exit(1);
}

const { AgentServer } = await import('@elizaos/server');

const character = await loadCharacter(characterPath).catch(fail);
const hasKey = Boolean(process.env.OPENROUTER_API_KEY?.trim() || characterSecret(character, 'OPENROUTER_API_KEY'));

let simulator: { baseURL: string; close(): Promise<void> } | undefined;
if (!hasKey || args.simulator) {
  const { startSimulator } = await import('@freepool/openrouter-simulator');
  simulator = await startSimulator({ scenario: MILD_SCENARIO, port: 0 });
  // ElizaOS copies the environment into the agent's secrets when it adds the agent.
  process.env.OPENROUTER_API_KEY = SIMULATOR_KEY;
  process.env.OPENROUTER_BASE_URL = simulator.baseURL;
  // A key or base URL in the character file would win over the environment: override them too.
  overrideCharacterSetting(character, 'OPENROUTER_API_KEY', SIMULATOR_KEY);
  overrideCharacterSetting(character, 'OPENROUTER_BASE_URL', simulator.baseURL);
  banner(
    `${hasKey ? '--simulator given' : 'No OPENROUTER_API_KEY set'}: using the built-in OpenRouter simulator at ${simulator.baseURL}`,
    '(offline demo answers, not a real model). Set OPENROUTER_API_KEY in .env to talk to OpenRouter.',
  );
} else {
  // The character wins over the environment, as it does for the plugin (ElizaOS merges env beneath it).
  const base = characterSecret(character, 'OPENROUTER_BASE_URL') || process.env.OPENROUTER_BASE_URL?.trim() || 'https://openrouter.ai/api/v1';
  banner(`Using OpenRouter at ${base} with your OPENROUTER_API_KEY.`);
}

// AgentServer registers SIGINT/SIGTERM handlers that exit 1 when a browser keeps a socket open;
// replace them with one orderly shutdown that also stops the simulator.
const signals = ['SIGINT', 'SIGTERM'] as const;
const before = new Map(signals.map((s) => [s, new Set(process.listeners(s))]));
const server = new AgentServer();
for (const s of signals) for (const l of process.listeners(s)) if (!before.get(s)!.has(l)) process.off(s, l);

let agentIds: string[] = [];
let shuttingDown = false;
for (const s of signals) process.on(s, () => void shutdown(s));

// Sentry announces the DSN set above as "Invalid Sentry Dsn: disabled", which reads like a fault.
const consoleError = console.error;
console.error = (...a: unknown[]) => {
  if (process.env.SENTRY_DSN === 'disabled' && typeof a[0] === 'string' && a[0].startsWith('Invalid Sentry Dsn')) return;
  consoleError(...a);
};
try {
  await server.start({ port, dataDir: process.env.PGLITE_DATA_DIR?.trim() || DEFAULT_DATA_DIR });
  const runtimes = await server.startAgents([{ character }]);
  agentIds = runtimes.map((r) => r.agentId);
  console.error = consoleError;
} catch (error) {
  console.error = consoleError;
  console.error(`\nThe agent did not start: ${error instanceof Error ? error.message : String(error)}`);
  await simulator?.close().catch(() => {});
  process.exit(1);
}

const boundPort = Number(process.env.SERVER_PORT) || port;
const url = `http://${displayHost(process.env.SERVER_HOST!)}:${boundPort}`;
const webUi = process.env.ELIZA_UI_ENABLE?.trim().toLowerCase() !== 'false';
banner(
  `${character.name} is running (agent id ${agentIds[0]}).`,
  // AgentServer moves to the next free port when the one asked for is taken, after logging an error.
  ...(boundPort !== port ? [`Port ${port} was in use, so the server took port ${boundPort} instead.`] : []),
  webUi ? `Open the web chat: ${url}` : 'The web UI is disabled (ELIZA_UI_ENABLE=false).',
  `REST API: ${url}/api/agents   Messaging: POST ${url}/api/messaging/sessions`,
  'Press Ctrl-C to stop.',
);

// ---------------------------------------------------------------------------------------------

async function shutdown(signal: string): Promise<void> {
  if (shuttingDown) {
    console.log('Stopping now.');
    process.exit(130);
  }
  shuttingDown = true;
  console.log(`\n${signal}: shutting down…`);
  setTimeout(() => {
    console.error(`Shutdown took longer than ${SHUTDOWN_TIMEOUT_MS / 1000} s; exiting anyway.`);
    process.exit(1);
  }, SHUTDOWN_TIMEOUT_MS).unref();
  const step = async (what: string, fn: () => unknown) => {
    try {
      await fn();
    } catch (error) {
      console.error(`  (while ${what}: ${error instanceof Error ? error.message : String(error)})`);
    }
  };
  if (agentIds.length) await step('stopping the agent', () => server.stopAgents(agentIds as never));
  await step('closing the HTTP server', () => closeHttp());
  await step('closing the database', () => server.database?.close());
  if (simulator) await step('stopping the simulator', () => simulator!.close());
  console.log('Stopped.');
  process.exit(0);
}

function closeHttp(): Promise<void> {
  return new Promise((resolve) => {
    // socket.io's close() also closes the HTTP server it is attached to.
    server.socketIO?.close();
    server.server?.closeAllConnections?.();
    if (!server.server?.listening) return resolve();
    server.server.close(() => resolve());
  });
}

async function loadCharacter(file: string) {
  if (!existsSync(file)) throw new Error(`Character file not found: ${file} (expected a JSON character such as characters/free-agent.json)`);
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new Error(`Character file ${file} is not valid JSON: ${(error as Error).message}`);
  }
  // Validates against ElizaOS's strict character schema and gives the character its stable id.
  const { jsonToCharacter } = await import('@elizaos/server');
  try {
    return await jsonToCharacter(json);
  } catch (error) {
    throw new Error(`Character file ${file} is not a valid ElizaOS character: ${(error as Error).message}`);
  }
}

/** A start-up problem the user can fix: one line naming it, no stack trace of this script. */
function fail(error: unknown): never {
  console.error(`bun run start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}

/** A setting from the character, where getSetting (and so the plugin) looks: secrets, settings, settings.secrets. */
function characterSecret(character: { secrets?: unknown; settings?: unknown }, key: string): string | undefined {
  const settings = character.settings as (Record<string, unknown> & { secrets?: Record<string, unknown> }) | undefined;
  for (const source of [character.secrets as Record<string, unknown> | undefined, settings, settings?.secrets]) {
    const v = source?.[key];
    if (typeof v === 'string' && v.trim()) return v.trim();
  }
  return undefined;
}

function overrideCharacterSetting(character: { secrets?: unknown; settings?: unknown }, key: string, value: string): void {
  const settings = (character.settings ??= {}) as Record<string, unknown> & { secrets?: Record<string, unknown> };
  settings.secrets = { ...(settings.secrets ?? {}), [key]: value };
  if (key in settings) settings[key] = value;
  const secrets = character.secrets as Record<string, unknown> | undefined;
  if (secrets && key in secrets) secrets[key] = value;
}

function parsePort(raw: string | undefined): number {
  if (raw === undefined || raw.trim() === '') return DEFAULT_PORT;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > 65535) throw new Error(`SERVER_PORT / --port must be a port number 1-65535, got "${raw}"`);
  return n;
}

function displayHost(host: string): string {
  return host === '0.0.0.0' || host === '::' ? 'localhost' : host;
}

function banner(...lines: string[]): void {
  const width = Math.max(...lines.map((l) => l.length));
  const rule = '─'.repeat(Math.min(width, 100));
  console.log(`\n${rule}\n${lines.join('\n')}\n${rule}\n`);
}
