/**
 * `npx elizaos start --character character.json` in the outside project, as a user starts it, and
 * the messaging API a client talks to. The CLI runs on the bun that its npm dependency installed.
 */
import { spawn, type ChildProcess } from 'node:child_process';
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

const USER_ID = '11111111-2222-4333-8444-555555555555';

async function post(url: string, body: unknown): Promise<{ status: number; body: any }> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // keep the text
  }
  return { status: res.status, body: parsed };
}

/** A messaging-API session with the agent, as the web chat and API clients hold one. */
export async function openSession(agent: RunningAgent): Promise<string> {
  const r = await post(`${agent.url}/api/messaging/sessions`, { agentId: agent.agentId, userId: USER_ID });
  if (r.status !== 201) throw new Error(`POST /api/messaging/sessions answered ${r.status}: ${JSON.stringify(r.body)}\n${agent.output().slice(-3000)}`);
  return r.body.sessionId as string;
}

/** One message with the HTTP transport: the response carries the agent's answer. */
export async function sendHttp(agent: RunningAgent, sessionId: string, content: string): Promise<{ status: number; text?: string; body: unknown; ms: number }> {
  const started = Date.now();
  const r = await post(`${agent.url}/api/messaging/sessions/${sessionId}/messages`, { content, transport: 'http' });
  return { status: r.status, text: r.body?.agentResponse?.text, body: r.body, ms: Date.now() - started };
}

/**
 * One message with the default transport (the server's message bus, as the web chat's), then the
 * session's agent messages, oldest first, once the answer arrived.
 */
export async function sendAndAwaitReply(agent: RunningAgent, sessionId: string, content: string, timeoutMs = 60_000): Promise<{ status: number; replies: string[] }> {
  const sessionMessages = async () => {
    const res = await fetch(`${agent.url}/api/messaging/sessions/${sessionId}/messages?limit=100`);
    const body = (await res.json()) as { messages?: Array<{ content: string; isAgent: boolean; createdAt: string }> };
    const agentMessages = (body.messages ?? []).filter((m) => m.isAgent);
    return agentMessages.sort((a, b) => Date.parse(a.createdAt) - Date.parse(b.createdAt)).map((m) => m.content);
  };
  const before = (await sessionMessages()).length;
  const sent = await post(`${agent.url}/api/messaging/sessions/${sessionId}/messages`, { content });
  if (sent.status !== 201) return { status: sent.status, replies: [] };
  const started = Date.now();
  for (;;) {
    const replies = await sessionMessages();
    if (replies.length > before) return { status: sent.status, replies };
    if (Date.now() - started > timeoutMs) throw new Error(`no agent message in the session within ${timeoutMs / 1000} s after "${content}":\n${agent.output().slice(-4000)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
