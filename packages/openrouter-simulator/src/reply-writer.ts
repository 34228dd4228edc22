/**
 * How a decided reply goes on the wire: a JSON body (whole, cut off, or not JSON), an SSE stream
 * with OpenRouter's framing and its faults (error event, stall, broken event, truncation, reset),
 * error bodies, and the echoed key of `echoKeyInErrors`. Nothing here decides what happens.
 */
import type { ServerResponse } from 'node:http';
import type { Decision } from './decisions.js';
import { scrub, sendJson, sendWire } from './http-util.js';
import type { ImageInfo } from './images.js';
import { buildReply, pieces, type Reply } from './replies.js';
import { reasoningDetail, streamThinking } from './thinking-writer.js';
import type { ChatRequest } from './request.js';
import type { ModelBehavior } from './scenario.js';
import type { SimState } from './state.js';
import type { WireError } from './wire-errors.js';

/** How long a 'timeout' call (or a stalled stream) hangs when the client never gives up. */
export const HANG_MS = 10 * 60_000;

/** The concrete model answering one attempt. */
export interface Served {
  id: string;
  model: string;
  provider: string;
  created: number;
}

function usageBlock(reply: Reply) {
  return {
    prompt_tokens: reply.promptTokens,
    completion_tokens: reply.completionTokens,
    total_tokens: reply.promptTokens + reply.completionTokens,
    cost: 0,
    is_byok: false,
    prompt_tokens_details: { cached_tokens: 0, cache_write_tokens: 0, audio_tokens: 0, video_tokens: 0 },
    cost_details: { upstream_inference_cost: 0, upstream_inference_prompt_cost: 0, upstream_inference_completions_cost: 0 },
    completion_tokens_details: { reasoning_tokens: reply.reasoningTokens, image_tokens: 0, audio_tokens: 0 },
  };
}

function finishErrorObject(provider: string) {
  return {
    code: 502,
    message: 'Provider returned error',
    metadata: { error_type: 'provider_error', raw: 'upstream stream ended unexpectedly', provider_name: provider },
  };
}

/** The error body with the key quoted in its message and its metadata. */
function echoKey(body: Record<string, unknown>, token: string): Record<string, unknown> {
  const error = (body.error ?? {}) as Record<string, unknown>;
  const metadata = (error.metadata ?? {}) as Record<string, unknown>;
  return {
    ...body,
    error: {
      ...error,
      message: `${String(error.message ?? '')} (upstream saw Authorization: Bearer ${token})`,
      metadata: { ...metadata, raw: `provider rejected key ${token}`, echoed_headers: { authorization: `Bearer ${token}` } },
    },
  };
}

/** Resets the connection once what was written is on the wire (an SSE comment carries the callback). */
function resetAfterFlush(res: ServerResponse): void {
  if (res.destroyed) return;
  res.write(': \n\n', () => res.destroy());
}


export class ReplyWriter {
  constructor(private readonly state: SimState) {}

  /** A non-stream reply; a malformed or truncated fault cuts the body in half. */
  jsonReply(
    d: Extract<Decision, { type: 'reply' }>,
    chat: ChatRequest,
    served: Served,
    images: ImageInfo[],
    behavior: ModelBehavior,
    token: string,
    res: ServerResponse,
  ): void {
    const reply = buildReply(served.model, chat, images, d.mode, behavior.reply, d.thought, d.budget);
    const content = scrub(reply.text, token);
    const finishReason = d.finishError ? 'error' : reply.finishReason;
    const reasoning = reply.reasoning !== undefined ? scrub(reply.reasoning, token) : null;
    const body = {
      id: served.id,
      provider: served.provider,
      model: served.model,
      object: 'chat.completion',
      created: served.created,
      choices: [
        {
          logprobs: null,
          finish_reason: finishReason,
          native_finish_reason: finishReason,
          index: 0,
          message: {
            role: 'assistant',
            content,
            refusal: null,
            reasoning,
            ...(reasoning !== null && d.thought?.details ? { reasoning_details: [reasoningDetail(reasoning)] } : {}),
          },
          ...(d.finishError ? { error: finishErrorObject(served.provider) } : {}),
        },
      ],
      usage: usageBlock(reply),
    };
    if (d.fault?.type === 'malformed' || d.fault?.type === 'truncated') {
      // Not JSON: the body is cut in half. A truncated one also promises more bytes than it sends.
      const text = scrub(JSON.stringify(body), token);
      const cut = text.slice(0, Math.floor(text.length / 2));
      const length = Buffer.byteLength(d.fault.type === 'truncated' ? text : cut);
      res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': length, 'X-Generation-Id': served.id });
      // Destroyed only once the half body is on the wire, so the client really receives it.
      if (d.fault.type === 'truncated') res.write(cut, () => res.destroy());
      else res.end(cut);
      return;
    }
    sendJson(res, 200, body, token, { 'X-Generation-Id': served.id });
  }

  startStream(res: ServerResponse, served: Served): void {
    res.writeHead(200, {
      'Content-Type': 'text/event-stream',
      'Cache-Control': 'no-cache',
      Connection: 'keep-alive',
      'X-Generation-Id': served.id,
    });
    // OpenRouter keeps the connection warm with SSE comments until the first token.
    res.write(': OPENROUTER PROCESSING\n\n');
  }

  writeData(res: ServerResponse, data: unknown, token: string): void {
    if (!res.destroyed) res.write(`data: ${scrub(JSON.stringify(data), token)}\n\n`);
  }

  /**
   * An error response. With the scenario's `echoKeyInErrors`, the error quotes the caller's key the
   * way a provider that relays the request's headers would, unscrubbed: for leak tests.
   */
  sendWire(res: ServerResponse, wire: WireError, token: string | undefined): void {
    if (!this.state.scenario.echoKeyInErrors || !token) return sendWire(res, wire, token);
    sendWire(res, { ...wire, body: echoKey(wire.body, token) }, undefined, { 'X-Upstream-Authorization': `Bearer ${token}` });
  }

  /** An error inside HTTP 200: a JSON body without `choices`, or for streams a lone error event. */
  sendError200(body: Record<string, unknown>, chat: ChatRequest, served: Served | undefined, token: string, res: ServerResponse): void {
    if (this.state.scenario.echoKeyInErrors) {
      body = echoKey(body, token);
      token = '';
    }
    if (!chat.stream) return sendJson(res, 200, body, token);
    if (!res.headersSent) {
      if (!served) return sendJson(res, 200, body, token);
      this.startStream(res, served);
    }
    this.writeData(
      res,
      {
        id: served?.id,
        object: 'chat.completion.chunk',
        created: served?.created,
        model: served?.model,
        provider: served?.provider,
        error: body.error,
        choices: [{ index: 0, delta: { content: '' }, finish_reason: 'error', native_finish_reason: 'error' }],
      },
      token,
    );
    res.end();
  }

  async streamReply(
    d: Extract<Decision, { type: 'reply' }>,
    chat: ChatRequest,
    served: Served,
    images: ImageInfo[],
    behavior: ModelBehavior,
    token: string,
    res: ServerResponse,
    signal: AbortSignal,
  ): Promise<void> {
    const reply = buildReply(served.model, chat, images, d.mode, behavior.reply, d.thought, d.budget);
    const base = { id: served.id, provider: served.provider, model: served.model, object: 'chat.completion.chunk', created: served.created };
    const midStreamError = () => {
      // A mid-stream error: a final data event with a top-level error, then the stream just ends.
      const echo = this.state.scenario.echoKeyInErrors === true;
      const event = {
        ...base,
        error: finishErrorObject(served.provider),
        choices: [{ index: 0, delta: { content: '' }, finish_reason: 'error', native_finish_reason: 'error' }],
      };
      this.writeData(res, echo ? echoKey(event, token) : event, echo ? '' : token);
      res.end();
    };
    // One data event that is a cut-off JSON object; the stream then goes on as if nothing happened.
    const brokenEvent = () => {
      if (!res.destroyed) res.write(`data: {"id":"${served.id}","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"content":"\n\n`);
    };
    let sent = 0;
    // A slow model: every data event after the first waits `chunkDelayMs`; a client that leaves ends it.
    const pause = async (): Promise<boolean> => {
      if (sent > 0) await this.state.sleep(behavior.chunkDelayMs ?? 0, signal);
      return !signal.aborted;
    };
    if (d.thought && !(await streamThinking(this.state, (data) => this.writeData(res, data, token), d.thought, reply, base, token, signal))) return;
    const fault = d.fault;
    for (const piece of pieces(scrub(reply.text.slice(reply.thinkingChars), token))) {
      if (fault && sent === fault.after) {
        if (fault.type === 'error_event') break;
        if (fault.type === 'stall') {
          // Stalled: nothing more until the client disconnects (or close() / HANG_MS), then the error event.
          await this.state.sleep(HANG_MS, signal);
          if (!signal.aborted) midStreamError();
          return;
        }
        if (fault.type === 'truncated') return void res.end();
        if (fault.type === 'reset') return resetAfterFlush(res);
        if (!(await pause())) return;
        brokenEvent();
      }
      if (!(await pause())) return;
      this.writeData(
        res,
        { ...base, choices: [{ index: 0, delta: { role: 'assistant', content: piece }, finish_reason: null, native_finish_reason: null, logprobs: null }] },
        token,
      );
      sent++;
    }
    if (!(await pause())) return;
    if (fault?.type === 'error_event' || fault?.type === 'stall') return midStreamError();
    if (fault && sent <= fault.after) {
      // A reply of no more than `after` chunks: the fault comes before the finish.
      if (fault.type === 'truncated') return void res.end();
      if (fault.type === 'reset') return resetAfterFlush(res);
      if (sent === fault.after) brokenEvent();
    }
    const finishReason = d.finishError ? 'error' : reply.finishReason;
    this.writeData(
      res,
      {
        ...base,
        choices: [
          {
            index: 0,
            delta: { role: 'assistant', content: '' },
            finish_reason: finishReason,
            native_finish_reason: finishReason,
            logprobs: null,
            ...(d.finishError ? { error: finishErrorObject(served.provider) } : {}),
          },
        ],
        usage: usageBlock(reply),
      },
      token,
    );
    res.write('data: [DONE]\n\n');
    res.end();
  }
}
