/**
 * `POST /api/v1/responses`: the OpenAI Responses API, as `@ai-sdk/openai` 2.x (and so
 * `@elizaos/plugin-openai` 1.6) calls it. Enough of it for the simulator to stand in for a local or
 * OpenAI-compatible server in tests: text answers (JSON or SSE) built like the chat endpoint's, no
 * account limits, and `failNext(model, 'server_error')` answered with a 500.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { bearerToken, readBody, sendJson, sendWire } from './http-util.js';
import { buildReply } from './replies.js';
import { parseChatBody } from './request.js';
import type { SimState } from './state.js';
import { wireError } from './wire-errors.js';

type InputItem = { role?: string; content?: unknown };

/** The Responses body's `instructions` and `input` as chat messages. */
function toMessages(raw: { instructions?: unknown; input?: unknown }): Array<{ role: string; content: unknown }> {
  const messages: Array<{ role: string; content: unknown }> = [];
  if (typeof raw.instructions === 'string' && raw.instructions) messages.push({ role: 'system', content: raw.instructions });
  if (typeof raw.input === 'string') messages.push({ role: 'user', content: raw.input });
  else if (Array.isArray(raw.input)) {
    for (const item of raw.input as InputItem[]) {
      const content = Array.isArray(item.content)
        ? item.content.map((p: { type?: string; text?: string }) => ({ type: 'text', text: typeof p?.text === 'string' ? p.text : '' }))
        : item.content;
      messages.push({ role: item.role === 'developer' ? 'system' : (item.role ?? 'user'), content });
    }
  }
  return messages;
}

export async function handleResponses(state: SimState, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const token = bearerToken(req);
  let raw: any;
  try {
    raw = JSON.parse(await readBody(req));
  } catch {
    raw = undefined;
  }
  const model = typeof raw?.model === 'string' ? raw.model : '(none)';
  const stream = raw?.stream === true;
  const refuse = (kind: string, status: number, message: string) => {
    state.stats.record({ model, status: String(status), kind, at: state.now(), stream });
    sendWire(res, wireError(status, message), token);
  };
  if (!token) return refuse('auth', 401, 'No auth credentials found');
  if (state.apiKey !== undefined && token !== state.apiKey) return refuse('auth', 401, 'User not found.');
  if (!raw || typeof raw !== 'object') return refuse('bad_request', 400, 'Invalid JSON body');
  let chat;
  try {
    chat = parseChatBody({ model, messages: toMessages(raw), stream });
  } catch (e) {
    return refuse('bad_request', 400, (e as Error).message);
  }
  if (state.queue.take(model) === 'server_error') return refuse('server_error', 500, 'Internal Server Error');

  const reply = buildReply(model, chat, [], 'ok');
  state.stats.record({ model, status: '200', kind: 'ok', at: state.now(), stream });
  const created = Math.floor(state.now() / 1000);
  const id = `resp_sim_${created}`;
  const usage = { input_tokens: reply.promptTokens, output_tokens: reply.completionTokens, total_tokens: reply.promptTokens + reply.completionTokens };
  const message = { type: 'message', role: 'assistant', id: 'msg_sim_0', status: 'completed', content: [{ type: 'output_text', text: reply.text, annotations: [] }] };
  if (!stream) {
    return sendJson(res, 200, { id, object: 'response', created_at: created, model, status: 'completed', output: [message], usage, incomplete_details: null }, token);
  }
  res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache', Connection: 'keep-alive' });
  const send = (event: Record<string, unknown>) => res.write(`event: ${String(event.type)}\ndata: ${JSON.stringify(event)}\n\n`);
  send({ type: 'response.created', response: { id, created_at: created, model } });
  send({ type: 'response.output_item.added', output_index: 0, item: { type: 'message', id: message.id } });
  for (const piece of reply.text.match(/[\s\S]{1,24}/g) ?? []) send({ type: 'response.output_text.delta', item_id: message.id, delta: piece });
  send({ type: 'response.output_item.done', output_index: 0, item: message });
  send({ type: 'response.completed', response: { id, created_at: created, model, status: 'completed', usage, incomplete_details: null } });
  res.end();
}
