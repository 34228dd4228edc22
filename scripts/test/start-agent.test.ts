/**
 * `bun run start` end to end: spawn the start script the way the root script does (with bun), no key,
 * and hold a conversation over the ElizaOS HTTP API. The reply has to come from the plugin, which
 * reaches the built-in simulator, which the script announced.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAgentProcess, type AgentProcess } from './agent-process.js';
import { createSession, sendHttp, type MessagingAgent } from './messaging.js';

async function json(res: Response): Promise<any> {
  const text = await res.text();
  try {
    return JSON.parse(text);
  } catch {
    throw new Error(`expected JSON from ${res.url} (HTTP ${res.status}), got: ${text.slice(0, 300)}`);
  }
}

/** `bun run start` with no key and `--simulator`: even a developer's .env key must not turn this test into real traffic. */
function startWithSimulator(): Promise<AgentProcess> {
  return startAgentProcess({}, ['--simulator'], { readyWithinMs: 90_000 });
}

/** One message over the HTTP messaging API, in a new session; the agent's reply and the HTTP status. */
async function converse(agent: MessagingAgent, text: string): Promise<{ status: number; reply: any }> {
  const sessionId = await createSession(agent);
  expect(sessionId).toBeTruthy();
  const { status, body } = await sendHttp(agent, sessionId, text);
  return { status, reply: body };
}

// Each test stands on its own: any one of them, in any order, runs against an agent of its describe.
describe('bun run start (scripts/start-agent.ts)', () => {
  let agent: AgentProcess;
  beforeAll(async () => {
    agent = await startWithSimulator();
  }, 240_000);
  afterAll(async () => {
    await agent?.stop();
  });

  it('says plainly that it answers from the simulator, and where to chat', () => {
    expect(agent.output()).toMatch(/No OPENROUTER_API_KEY set|--simulator given/);
    expect(agent.output()).toMatch(/built-in OpenRouter simulator at http:\/\/127\.0\.0\.1:\d+\/api\/v1/);
    expect(agent.output()).toContain('not a real model');
    expect(agent.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it('serves the agent from the character file on the ElizaOS API', async () => {
    const body = await json(await fetch(`${agent.url}/api/agents`));
    const agents = body.data.agents as Array<{ name: string; status: string }>;
    expect(agents.map((a) => a.name)).toEqual(['FreePool']);
    expect(agents[0]!.status).toBe('active');
  });

  it('answers a message over the HTTP messaging API with a reply the plugin got from the simulator', async () => {
    const { status, reply } = await converse(agent, 'Hello! Who are you?');
    expect(status, JSON.stringify(reply)).toBe(201);
    // The simulator signs its replies with the model that answered: proof the call went through the
    // plugin's pool to the simulator rather than anywhere else.
    expect(reply.agentResponse?.text).toMatch(/^Simulated reply from [\w.-]+\/[\w.:-]+/);
    expect(reply.agentResponse?.actions).toContain('REPLY');
  });

  it("shows the pool's state on the plugin's status route, without the key", async () => {
    // A message of its own first, so the window has a call to show whatever ran before.
    expect((await converse(agent, 'What is the pool doing?')).status).toBe(201);
    const res = await fetch(`${agent.url}/api/agents/${agent.agentId}/plugins/openrouter-free/status`);
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
  let agent: AgentProcess;
  beforeAll(async () => {
    agent = await startWithSimulator();
  }, 240_000);
  afterAll(async () => {
    await agent?.stop();
  });

  it('shuts down cleanly on Ctrl-C', async () => {
    agent.child.kill('SIGINT');
    const code = await agent.exit;
    expect(code).toBe(0);
    expect(agent.output()).toContain('Stopped.');
  }, 30_000);
});
