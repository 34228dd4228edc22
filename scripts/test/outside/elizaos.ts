/**
 * `npx elizaos start --character character.json` in the outside project, as a user starts it, and
 * the messaging API a client talks to (../messaging.ts). The CLI runs on the bun that its npm dependency installed.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { messagesOf, postToSession, waitForAgentMessages } from '../messaging.js';
import { pathWith, type NodeRuntime } from './node-runtimes.js';

export const START_COMMAND = 'npx elizaos start --character character.json';

export interface RunningAgent {
  url: string;
  agentId: string;
  /** From the spawn to the agent being listed as active. */
  readyMs: number;
  startedAt: number;
  output: () => string;
  stop: () => Promise<void>;
}

/**
 * Starts the agent and waits until GET /api/agents lists it as active. The environment keeps the
 * run on loopback: npm offline (the CLI's update check asks npm), Sentry off (the server reports
 * errors to ElizaOS's project unless told otherwise).
 */
export async function startAgent(dir: string, port: number, runtime: NodeRuntime, timeoutMs = 180_000): Promise<RunningAgent> {
  const env: NodeJS.ProcessEnv = { PATH: pathWith(runtime), HOME: process.env.HOME, LOG_LEVEL: 'info', npm_config_offline: 'true', SENTRY_DSN: 'disabled' };
  if (process.env.CI) env.CI = process.env.CI;
  const startedAt = Date.now();
  // Its own process group: npx starts the CLI as a child, and stop() signals both.
  const child: ChildProcess = spawn('sh', ['-c', START_COMMAND], { cwd: dir, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const signal = (s: NodeJS.Signals) => {
    try {
      process.kill(-child.pid!, s);
    } catch {
      // already gone
    }
  };
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    signal('SIGINT');
    const killer = setTimeout(() => signal('SIGKILL'), 20_000);
    await exited;
    clearTimeout(killer);
  };
  const url = `http://127.0.0.1:${port}`;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`\`${START_COMMAND}\` exited (code ${child.exitCode}) before the agent was up:\n${out.slice(-5000)}`);
    if (Date.now() - startedAt > timeoutMs) {
      await stop();
      throw new Error(`\`${START_COMMAND}\`: no active agent at ${url}/api/agents within ${timeoutMs / 1000} s:\n${out.slice(-5000)}`);
    }
    const agent = await fetch(`${url}/api/agents`)
      .then(async (r) => ((await r.json()) as { data?: { agents?: Array<{ id: string; status?: string }> } }).data?.agents?.[0])
      .catch(() => undefined);
    if (agent?.status === 'active') return { url, agentId: agent.id, readyMs: Date.now() - startedAt, startedAt, output: () => out, stop };
    await new Promise((r) => setTimeout(r, 250));
  }
}

/**
 * One message with the default transport (the server's message bus, as the web chat's), then the
 * session's agent messages, oldest first, once the answer arrived.
 */
export async function sendAndAwaitReply(agent: RunningAgent, sessionId: string, content: string, timeoutMs = 60_000): Promise<{ status: number; replies: string[] }> {
  const before = (await messagesOf(agent, sessionId)).filter((m) => m.isAgent).length;
  const sent = await postToSession(agent, sessionId, content);
  if (sent.status !== 201) return { status: sent.status, replies: [] };
  const messages = await waitForAgentMessages(agent, sessionId, before + 1, timeoutMs);
  return { status: sent.status, replies: messages.filter((m) => m.isAgent).map((m) => m.content) };
}
