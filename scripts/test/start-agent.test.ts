/**
 * `bun run start` end to end: spawn the start script the way the root script does (with bun), no key,
 * and hold a conversation over the ElizaOS HTTP API. The reply has to come from the plugin, which
 * reaches the built-in simulator, which the script announced.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { acquireBuildLock, freePort } from './agent-process.js';
import { createSession, sendHttp } from './messaging.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const bun = path.join(repoRoot, 'node_modules', '.bin', 'bun');
/** The agent is loaded by package name, so the packages must be built (dist/). */
const builtEntries = ['free-model-pool', 'openrouter-simulator', 'plugin-openrouter-free'].map((p) =>
  path.join(repoRoot, 'packages', p, 'dist', 'index.js'),
);


async function json(res: Response): Promise<any> {
  const text = await res.text();
  try {
    return JSON.parse(text);
  } catch {
    throw new Error(`expected JSON from ${res.url} (HTTP ${res.status}), got: ${text.slice(0, 300)}`);
  }
}

interface StartedAgent {
  child: ChildProcess;
  output: () => string;
  baseUrl: string;
  exit: Promise<number | null>;
  /** Kills the agent if it still runs and removes its data. */
  dispose: () => Promise<void>;
}

/** `bun scripts/start-agent.ts --simulator` with no key, waiting for its "Open the web chat" line. Needs dist/ built. */
async function startAgent(): Promise<StartedAgent> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'freepool-start-'));
  const port = await freePort();
  const env: NodeJS.ProcessEnv = { ...process.env, CI: 'true', SERVER_PORT: String(port), PGLITE_DATA_DIR: dataDir, LOG_LEVEL: 'warn' };
  delete env.OPENROUTER_API_KEY;
  delete env.OPENROUTER_BASE_URL;
  // --simulator: even a developer's .env key must not turn this test into real traffic.
  const child = spawn(bun, ['scripts/start-agent.ts', '--simulator'], { cwd: repoRoot, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  let output = '';
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  const dispose = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
      await exit;
    }
    rmSync(dataDir, { recursive: true, force: true });
  };
  const started = Date.now();
  while (!/Open the web chat: (http:\/\/\S+)/.test(output)) {
    if (child.exitCode !== null) {
      await dispose();
      throw new Error(`start-agent exited early (code ${child.exitCode}):\n${output}`);
    }
    if (Date.now() - started > 90_000) {
      await dispose();
      throw new Error(`start-agent did not come up within 90 s:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return { child, output: () => output, baseUrl: /Open the web chat: (http:\/\/\S+)/.exec(output)![1]!, exit, dispose };
}

let built = false;

/**
 * Builds dist/ once for this file (as `bun run start` does: a stale one would test yesterday's
 * plugin) and starts an agent, under the build lock.
 */
async function buildAndStart(): Promise<StartedAgent> {
  // Not while another test file builds or starts its agent (a build empties dist/).
  const release = await acquireBuildLock();
  try {
    if (!built || builtEntries.some((f) => !existsSync(f))) {
      const build = spawnSync(bun, ['run', 'build'], { cwd: repoRoot, encoding: 'utf8' });
      if (build.status !== 0 || builtEntries.some((f) => !existsSync(f))) {
        throw new Error(`bun run build failed or did not produce ${builtEntries.join(', ')}:\n${build.stdout}\n${build.stderr}`);
      }
      built = true;
    }
    return await startAgent();
  } finally {
    release();
  }
}

/** One message over the HTTP messaging API, in a new session; the agent's reply and the HTTP status. */
async function converse(baseUrl: string, text: string): Promise<{ status: number; reply: any }> {
  const agents = (await json(await fetch(`${baseUrl}/api/agents`))).data.agents as Array<{ id: string }>;
  const agent = { url: baseUrl, agentId: agents[0]!.id };
  const sessionId = await createSession(agent);
  expect(sessionId).toBeTruthy();
  const { status, body } = await sendHttp(agent, sessionId, text);
  return { status, reply: body };
}

// Each test stands on its own: any one of them, in any order, runs against an agent of its describe.
describe('bun run start (scripts/start-agent.ts)', () => {
  let agent: StartedAgent;
  beforeAll(async () => {
    agent = await buildAndStart();
  }, 240_000);
  afterAll(async () => {
    await agent?.dispose();
  });

  it('says plainly that it answers from the simulator, and where to chat', () => {
    expect(agent.output()).toMatch(/No OPENROUTER_API_KEY set|--simulator given/);
    expect(agent.output()).toMatch(/built-in OpenRouter simulator at http:\/\/127\.0\.0\.1:\d+\/api\/v1/);
    expect(agent.output()).toContain('not a real model');
    expect(agent.baseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it('serves the agent from the character file on the ElizaOS API', async () => {
    const body = await json(await fetch(`${agent.baseUrl}/api/agents`));
    const agents = body.data.agents as Array<{ name: string; status: string }>;
    expect(agents.map((a) => a.name)).toEqual(['FreePool']);
    expect(agents[0]!.status).toBe('active');
  });

  it('answers a message over the HTTP messaging API with a reply the plugin got from the simulator', async () => {
    const { status, reply } = await converse(agent.baseUrl, 'Hello! Who are you?');
    expect(status, JSON.stringify(reply)).toBe(201);
    // The simulator signs its replies with the model that answered: proof the call went through the
    // plugin's pool to the simulator rather than anywhere else.
    expect(reply.agentResponse?.text).toMatch(/^Simulated reply from [\w.-]+\/[\w.:-]+/);
    expect(reply.agentResponse?.actions).toContain('REPLY');
  });

  it("shows the pool's state on the plugin's status route, without the key", async () => {
    // A message of its own first, so the window has a call to show whatever ran before.
    expect((await converse(agent.baseUrl, 'What is the pool doing?')).status).toBe(201);
    const agents = (await json(await fetch(`${agent.baseUrl}/api/agents`))).data.agents as Array<{ id: string }>;
    const res = await fetch(`${agent.baseUrl}/api/agents/${agents[0]!.id}/plugins/openrouter-free/status`);
    const text = await res.text();
    expect(res.status, text).toBe(200);
    const status = JSON.parse(text);
    expect(status.configured).toBe(true);
    expect(status.baseURL).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/api\/v1$/);
    for (const tier of ['small', 'large', 'vision']) {
      expect(status.tiers[tier].length, tier).toBeGreaterThan(0);
      for (const m of status.tiers[tier]) expect(['ready', 'cooling', 'removed']).toContain(m.state);
    }
    // The message went through the pool: the window counted it.
    expect(status.account.sentInWindow).toBeGreaterThan(0);
    expect(text).not.toMatch(/sk-or-/);
  });
});

// An agent of its own: stopping it cannot take the one the tests above talk to.
describe('bun run start, stopped with Ctrl-C', () => {
  let agent: StartedAgent;
  beforeAll(async () => {
    agent = await buildAndStart();
  }, 240_000);
  afterAll(async () => {
    await agent?.dispose();
  });

  it('shuts down cleanly on Ctrl-C', async () => {
    agent.child.kill('SIGINT');
    const code = await agent.exit;
    expect(code).toBe(0);
    expect(agent.output()).toContain('Stopped.');
  }, 30_000);
});
