/**
 * `POST /api/v1/chat/completions`. Checks run in OpenRouter's order:
 * auth → models cap → body → unknown ids → (per candidate) gone / capability → account daily →
 * account per-minute → failNext queue → model behaviour → success. With `models`, candidates are
 * tried in order server-side; model-level failures fall through to the next one, account-level
 * ones end the request (another model would not help).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { countsAgainstFreeQuota, isExpired, acceptsImages, isRoutableFree, type CatalogEntry } from './catalog.js';
import { decideBehavior, decideKind, providerFor, rejectsImages, type Decision, type ReplyFault } from './decisions.js';
import { BodyTooLarge, bearerToken, readBody, scrub, sendJson, sendWire } from './http-util.js';
import { ImageError, loadImage, type ImageInfo } from './images.js';
import { pickLatency, randomToken } from './prng.js';
import { buildReply, type Reply } from './replies.js';
import { BadRequest, MAX_MODELS, parseChatBody, type ChatRequest } from './request.js';
import { behaviorFor, type ModelBehavior } from './scenario.js';
import type { SimState } from './state.js';
import { wireError, type WireError } from './wire-errors.js';

/** How long a 'timeout' call (or a stalled stream) hangs when the client never gives up. */
export const HANG_MS = 10 * 60_000;
const FREE_ROUTER = 'openrouter/free';

interface Served {
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
    completion_tokens_details: { reasoning_tokens: 0, image_tokens: 0, audio_tokens: 0 },
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

/** Words with their trailing spaces: one content chunk each. */
function pieces(text: string): string[] {
  return text.match(/\S+\s*|\s+/g) ?? [];
}

/** Status keys of a faulted reply, [stream, non-stream]; a non-stream error event is a finish error. */
const FAULT_STATUS: Record<ReplyFault, [string, string | undefined]> = {
  error_event: ['200-stream-error', undefined],
  stall: ['200-stall', 'timeout'],
  malformed: ['200-malformed', '200-malformed'],
  truncated: ['200-truncated', '200-truncated'],
  reset: ['200-reset', 'reset'],
};

function statusKey(d: Decision, stream: boolean): string {
  switch (d.type) {
    case 'error':
      return String(d.wire.status);
    case 'error200':
      return '200-error';
    case 'timeout':
      return 'timeout';
    case 'reply':
      if (d.fault) return FAULT_STATUS[d.fault.type][stream ? 0 : 1] ?? (d.finishError ? '200-finish-error' : '200');
      return d.finishError ? '200-finish-error' : '200';
  }
}

export class ChatHandler {
  constructor(private readonly state: SimState) {}

  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const state = this.state;
    const token = bearerToken(req);
    let text: string;
    try {
      text = await readBody(req);
    } catch (err) {
      if (err instanceof BodyTooLarge) return this.sendWire(res, wireError(413, 'Request body too large'), token);
      throw err;
    }
    let raw: any;
    let jsonError: string | undefined;
    try {
      raw = JSON.parse(text);
    } catch (err) {
      jsonError = (err as Error).message;
    }
    const firstModel =
      typeof raw?.model === 'string' ? raw.model : Array.isArray(raw?.models) && typeof raw.models[0] === 'string' ? raw.models[0] : '(none)';
    const stream = raw?.stream === true;
    const refuse = (kind: string, wire: WireError) => {
      state.stats.record({ model: firstModel, status: String(wire.status), kind, at: state.now(), stream });
      this.sendWire(res, wire, token);
    };

    if (!token) return refuse('auth', wireError(401, 'No auth credentials found'));
    if (state.apiKey !== undefined && token !== state.apiKey) return refuse('auth', wireError(401, 'User not found.'));
    if (jsonError !== undefined || !raw || typeof raw !== 'object') {
      return refuse('bad_request', wireError(400, `Invalid JSON body: ${jsonError ?? 'expected an object'}`));
    }
    if (Array.isArray(raw.models) && raw.models.length > MAX_MODELS) {
      return refuse('models_cap', wireError(400, `'models' array must have ${MAX_MODELS} items or fewer.`));
    }
    let chat: ChatRequest;
    try {
      chat = parseChatBody(raw);
    } catch (err) {
      if (err instanceof BadRequest) return refuse('bad_request', wireError(400, err.message));
      throw err;
    }
    const unknown = chat.candidates.find((id) => !state.byId.has(id));
    if (unknown) return refuse('unknown_model', wireError(400, `${unknown} is not a valid model ID`));

    const abort = new AbortController();
    res.on('close', () => {
      if (!res.writableFinished) abort.abort();
    });
    await this.tryCandidates(chat, token, res, abort.signal);
  }

  /** A concrete free model for `openrouter/free`, filtered by what the request needs. */
  private routeFree(chat: ChatRequest): CatalogEntry | undefined {
    const state = this.state;
    const options = state.catalog.data.filter(
      (m) =>
        isRoutableFree(m) &&
        !isExpired(m, state.now()) &&
        !behaviorFor(state.scenario, m.id).gone &&
        (chat.imageUrls.length === 0 || acceptsImages(m)),
    );
    if (options.length === 0) return undefined;
    return options[Math.floor(state.random() * options.length)];
  }

  private async tryCandidates(chat: ChatRequest, token: string, res: ServerResponse, signal: AbortSignal): Promise<void> {
    const state = this.state;
    let delayMs = 0;
    let last: Decision | undefined;
    let images: ImageInfo[] | undefined;

    for (let i = 0; i < chat.candidates.length; i++) {
      const id = chat.candidates[i]!;
      const isLast = i === chat.candidates.length - 1;
      const entry = state.byId.get(id)!;
      const behavior = behaviorFor(state.scenario, id);
      const at = state.now();
      let servedEntry = entry;
      const record = (d: Decision | { kind: string; status: string }) =>
        state.stats.record({
          model: id,
          status: 'status' in d ? d.status : statusKey(d, chat.stream),
          kind: d.kind,
          at,
          stream: chat.stream,
          ...(servedEntry.id !== id ? { servedBy: servedEntry.id } : {}),
        });

      // Gone and capability: decided before any quota is spent.
      let early: Decision | undefined;
      if (behavior.gone || isExpired(entry, at)) {
        early = { type: 'error', kind: 'gone', fallback: true, wire: wireError(404, `No endpoints found for ${id}.`) };
      } else if (id === FREE_ROUTER) {
        const routed = this.routeFree(chat);
        if (routed) servedEntry = routed;
        else early = { type: 'error', kind: 'gone', fallback: true, wire: wireError(404, `No endpoints found for ${id}.`) };
      } else if (rejectsImages(entry, chat)) {
        early = { type: 'error', kind: 'image_unsupported', fallback: true, wire: wireError(404, 'No endpoints found that support image input') };
      }
      if (early) {
        record(early);
        last = early;
        if (!isLast) continue;
        break;
      }

      if (countsAgainstFreeQuota(id)) {
        const refused = state.account.admitFree();
        if (refused) {
          record({ kind: refused.kind, status: '429' });
          await state.sleep(delayMs, signal);
          return this.sendWire(res, refused.error, token);
        }
      }

      delayMs += pickLatency(state.random, behavior.latencyMs ?? state.scenario.latencyMs);
      const queued = state.queue.take(id);
      const decision = queued ? decideKind(queued, id, entry, behavior, chat, state) : decideBehavior(id, entry, behavior, chat, state);

      if (decision.type === 'reply' && chat.imageUrls.length > 0 && !images) {
        try {
          images = await Promise.all(chat.imageUrls.map((u) => loadImage(u, signal)));
        } catch (err) {
          if (!(err instanceof ImageError)) throw err;
          record({ kind: 'bad_image', status: '400' });
          return this.sendWire(res, wireError(400, err.message, err.metadata), token);
        }
      }
      record(decision);
      if ((decision.type === 'error' || decision.type === 'error200') && decision.fallback && !isLast) {
        last = decision;
        continue;
      }
      const served: Served = {
        id: `gen-${Math.floor(state.now() / 1000)}-${randomToken(state.random, 20)}`,
        model: servedEntry.id,
        provider: providerFor(servedEntry.id),
        created: Math.floor(state.now() / 1000),
      };
      return this.respond(decision, chat, served, images ?? [], behavior, delayMs, token, res, signal);
    }
    // Every candidate failed at the gone/capability stage or with a fallback-able error: the last one answers.
    await state.sleep(delayMs, signal);
    if (last?.type === 'error') return this.sendWire(res, last.wire, token);
    if (last?.type === 'error200') return this.sendError200(last.body, chat, undefined, token, res);
  }

  private async respond(
    d: Decision,
    chat: ChatRequest,
    served: Served,
    images: ImageInfo[],
    behavior: ModelBehavior,
    delayMs: number,
    token: string,
    res: ServerResponse,
    signal: AbortSignal,
  ): Promise<void> {
    const state = this.state;
    if (d.type === 'timeout') {
      await state.sleep(HANG_MS, signal);
      if (!signal.aborted) this.sendWire(res, wireError(408, 'Operation timed out. Please try again later.'), token);
      return;
    }
    if (chat.stream && (d.type === 'reply' || d.type === 'error200')) {
      this.startStream(res, served);
      await state.sleep(delayMs, signal);
      if (signal.aborted) return;
      if (d.type === 'error200') return this.sendError200(d.body, chat, served, token, res);
      return this.streamReply(d, chat, served, images, behavior, token, res, signal);
    }
    await state.sleep(delayMs, signal);
    if (signal.aborted) return;
    if (d.type === 'error') return this.sendWire(res, d.wire, token);
    if (d.type === 'error200') return this.sendError200(d.body, chat, served, token, res);
    // A reset before any response: the client sees the socket close.
    if (d.fault?.type === 'reset') return void res.destroy();

    const reply = buildReply(served.model, chat, images, d.mode, behavior.reply);
    const content = scrub(reply.text, token);
    const finishReason = d.finishError ? 'error' : reply.finishReason;
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
          message: { role: 'assistant', content, refusal: null, reasoning: null },
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

  private startStream(res: ServerResponse, served: Served): void {
    res.writeHead(200, {
      'Content-Type': 'text/event-stream',
      'Cache-Control': 'no-cache',
      Connection: 'keep-alive',
      'X-Generation-Id': served.id,
    });
    // OpenRouter keeps the connection warm with SSE comments until the first token.
    res.write(': OPENROUTER PROCESSING\n\n');
  }

  private writeData(res: ServerResponse, data: unknown, token: string): void {
    if (!res.destroyed) res.write(`data: ${scrub(JSON.stringify(data), token)}\n\n`);
  }

  /** An error inside HTTP 200: a JSON body without `choices`, or for streams a lone error event. */
  /**
   * An error response. With the scenario's `echoKeyInErrors`, the error quotes the caller's key the
   * way a provider that relays the request's headers would, unscrubbed: for leak tests.
   */
  private sendWire(res: ServerResponse, wire: WireError, token: string | undefined): void {
    if (!this.state.scenario.echoKeyInErrors || !token) return sendWire(res, wire, token);
    sendWire(res, { ...wire, body: echoKey(wire.body, token) }, undefined, { 'X-Upstream-Authorization': `Bearer ${token}` });
  }

  private sendError200(body: Record<string, unknown>, chat: ChatRequest, served: Served | undefined, token: string, res: ServerResponse): void {
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

  private async streamReply(
    d: Extract<Decision, { type: 'reply' }>,
    chat: ChatRequest,
    served: Served,
    images: ImageInfo[],
    behavior: ModelBehavior,
    token: string,
    res: ServerResponse,
    signal: AbortSignal,
  ): Promise<void> {
    const reply = buildReply(served.model, chat, images, d.mode, behavior.reply);
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
    const fault = d.fault;
    for (const piece of pieces(scrub(reply.text, token))) {
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
