/**
 * A conversation over @elizaos/server's messaging API, as its clients hold it: a session with the
 * agent, messages posted to it (the default transport: through the server's message bus, as the web
 * chat's are), and the session's messages read back until the agent has answered.
 */
import type { AgentProcess } from './agent-process.js';

const USER_ID = '11111111-2222-4333-8444-555555555555';

export interface SessionMessage {
  content: string;
  isAgent: boolean;
  createdAt: string;
}

async function post(url: string, body: unknown): Promise<{ status: number; body: any }> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: res.status, body: await res.json() };
}

/** A new session (its own room) between the test user and the agent. */
export async function createSession(agent: AgentProcess): Promise<string> {
  const r = await post(`${agent.url}/api/messaging/sessions`, { agentId: agent.agentId, userId: USER_ID });
  if (r.status !== 201) throw new Error(`creating a session answered ${r.status}: ${JSON.stringify(r.body)}`);
  return r.body.sessionId as string;
}

export async function sendToSession(agent: AgentProcess, sessionId: string, content: string): Promise<void> {
  const r = await post(`${agent.url}/api/messaging/sessions/${sessionId}/messages`, { content });
  if (r.status !== 201) throw new Error(`sending a message answered ${r.status}: ${JSON.stringify(r.body)}`);
}

/** The session's messages, oldest first. */
export async function messagesOf(agent: AgentProcess, sessionId: string): Promise<SessionMessage[]> {
  const res = await fetch(`${agent.url}/api/messaging/sessions/${sessionId}/messages?limit=100`);
  const body = (await res.json()) as any;
  const messages = [...(body.messages ?? body.data?.messages ?? [])] as SessionMessage[];
  return messages.sort((a, b) => Date.parse(a.createdAt) - Date.parse(b.createdAt));
}

/** The session's messages once `agentMessages` of them are the agent's (the reply is asynchronous). */
export async function waitForAgentMessages(agent: AgentProcess, sessionId: string, agentMessages: number, timeoutMs = 60_000): Promise<SessionMessage[]> {
  const started = Date.now();
  for (;;) {
    const messages = await messagesOf(agent, sessionId);
    if (messages.filter((m) => m.isAgent).length >= agentMessages) return messages;
    if (Date.now() - started > timeoutMs) {
      throw new Error(`waited ${timeoutMs / 1000} s for ${agentMessages} agent messages; have ${JSON.stringify(messages)}\n${agent.output().slice(-3000)}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}
