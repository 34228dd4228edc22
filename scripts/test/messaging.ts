/**
 * A conversation over @elizaos/server's messaging API, as its clients hold it: a session with the
 * agent, messages posted to it (by default through the server's message bus, as the web chat's are;
 * `sendHttp` with the HTTP transport, whose response carries the answer), and the session's messages
 * read back until the agent has answered. The one client of the API for the tests that start a server.
 */

const USER_ID = '11111111-2222-4333-8444-555555555555';

/** An agent on a running server: its base URL, its id, and (for error messages) what the server printed. */
export interface MessagingAgent {
  url: string;
  agentId: string;
  output?: () => string;
}

export interface SessionMessage {
  content: string;
  isAgent: boolean;
  createdAt: string;
}

const tail = (agent: MessagingAgent, chars = 3000) => (agent.output ? `\n${agent.output().slice(-chars)}` : '');

/** A POST with a JSON body; the answer's status and body (parsed when it is JSON, else its text). */
async function post(url: string, body: unknown): Promise<{ status: number; body: any }> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const text = await res.text();
  try {
    return { status: res.status, body: JSON.parse(text) };
  } catch {
    return { status: res.status, body: text };
  }
}

/** A new session (its own room) between the test user and the agent. */
export async function createSession(agent: MessagingAgent): Promise<string> {
  const r = await post(`${agent.url}/api/messaging/sessions`, { agentId: agent.agentId, userId: USER_ID });
  if (r.status !== 201) throw new Error(`POST /api/messaging/sessions answered ${r.status}: ${JSON.stringify(r.body)}${tail(agent)}`);
  return r.body.sessionId as string;
}

/** Posts a message through the message bus; the server's status and body (201 when it took it). */
export function postToSession(agent: MessagingAgent, sessionId: string, content: string): Promise<{ status: number; body: any }> {
  return post(`${agent.url}/api/messaging/sessions/${sessionId}/messages`, { content });
}

/** Posts a message through the message bus; throws unless the server took it. */
export async function sendToSession(agent: MessagingAgent, sessionId: string, content: string): Promise<void> {
  const r = await postToSession(agent, sessionId, content);
  if (r.status !== 201) throw new Error(`sending a message answered ${r.status}: ${JSON.stringify(r.body)}`);
}

/** One message with the HTTP transport: the response carries the agent's answer (`text`). */
export async function sendHttp(agent: MessagingAgent, sessionId: string, content: string): Promise<{ status: number; text?: string; body: any; ms: number }> {
  const started = Date.now();
  const r = await post(`${agent.url}/api/messaging/sessions/${sessionId}/messages`, { content, transport: 'http' });
  return { status: r.status, text: r.body?.agentResponse?.text, body: r.body, ms: Date.now() - started };
}

/** The session's messages, oldest first. */
export async function messagesOf(agent: MessagingAgent, sessionId: string): Promise<SessionMessage[]> {
  const res = await fetch(`${agent.url}/api/messaging/sessions/${sessionId}/messages?limit=100`);
  const body = (await res.json()) as any;
  const messages = [...(body.messages ?? body.data?.messages ?? [])] as SessionMessage[];
  return messages.sort((a, b) => Date.parse(a.createdAt) - Date.parse(b.createdAt));
}

/** The session's messages once `agentMessages` of them are the agent's (the reply is asynchronous). */
export async function waitForAgentMessages(agent: MessagingAgent, sessionId: string, agentMessages: number, timeoutMs = 60_000): Promise<SessionMessage[]> {
  const started = Date.now();
  for (;;) {
    const messages = await messagesOf(agent, sessionId);
    if (messages.filter((m) => m.isAgent).length >= agentMessages) return messages;
    if (Date.now() - started > timeoutMs) {
      throw new Error(`waited ${timeoutMs / 1000} s for ${agentMessages} agent messages; have ${JSON.stringify(messages)}${tail(agent)}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}
