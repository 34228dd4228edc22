/**
 * `POST /api/v1/chat/completions`. Checks run in OpenRouter's order:
 * auth → models cap → body → unknown ids → (per candidate) gone / capability → account daily →
 * account per-minute → failNext queue → model behaviour → success. With `models`, candidates are
 * tried in order server-side; model-level failures fall through to the next one, account-level
 * ones end the request (another model would not help).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { countsAgainstFreeQuota, isExpired, acceptsImages, isRoutableFree, maxCompletionTokens, type CatalogEntry } from './catalog.js';
import { decideBehavior, decideKind, errorContext, providerFor, rejectsImages, type Decision, type ReplyFault } from './decisions.js';
import { imageUnsupported, modelGone } from './dialects/availability.js';
import { imageProblem } from './dialects/refusals.js';
import { BodyTooLarge, bearerToken, readBody } from './http-util.js';
import { ImageError, loadImage, type ImageInfo } from './images.js';
import { pickLatency, randomToken } from './prng.js';
import { gatewayRefusal, planThought, providerRefusal } from './reasoning.js';
import { BadRequest, MAX_MODELS, parseChatBody, type ChatRequest } from './request.js';
import { HANG_MS, ReplyWriter, type Served } from './reply-writer.js';
import { behaviorFor, type ModelBehavior } from './scenario.js';
import type { SimState } from './state.js';
import { wireError, type WireError } from './wire-errors.js';

export { HANG_MS };
const FREE_ROUTER = 'openrouter/free';

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
  private readonly out: ReplyWriter;

  constructor(private readonly state: SimState) {
    this.out = new ReplyWriter(state);
  }

  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const state = this.state;
    const token = bearerToken(req);
    let text: string;
    try {
      text = await readBody(req);
    } catch (err) {
      if (err instanceof BodyTooLarge) return this.out.sendWire(res, wireError(413, 'Request body too large'), token);
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
      this.out.sendWire(res, wire, token);
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
          ...(chat.reasoning ? { reasoning: { ...chat.reasoning } } : {}),
        });

      // Gone and capability: decided before any quota is spent.
      let early: Decision | undefined;
      const ctx = errorContext(id, behavior, state);
      if (behavior.gone || isExpired(entry, at)) {
        early = { type: 'error', kind: 'gone', fallback: true, wire: modelGone(ctx, 'no_endpoints') };
      } else if (id === FREE_ROUTER) {
        const routed = this.routeFree(chat);
        if (routed) servedEntry = routed;
        else early = { type: 'error', kind: 'gone', fallback: true, wire: modelGone(ctx, 'no_endpoints') };
      } else if (rejectsImages(entry, chat)) {
        early = { type: 'error', kind: 'image_unsupported', fallback: true, wire: imageUnsupported(ctx) };
      }
      if (early) {
        record(early);
        last = early;
        if (!isLast) continue;
        break;
      }
      // A `reasoning` parameter this model cannot take ends the request: another model would not be asked.
      const refused = gatewayRefusal(id, entry, chat);
      if (refused) {
        record({ kind: 'reasoning_refused', status: String(refused.status) });
        await state.sleep(delayMs, signal);
        return this.out.sendWire(res, refused, token);
      }

      if (countsAgainstFreeQuota(id)) {
        const refused = state.account.admitFree();
        if (refused) {
          record({ kind: refused.kind, status: '429' });
          await state.sleep(delayMs, signal);
          return this.out.sendWire(res, refused.error, token);
        }
      }

      delayMs += pickLatency(state.random, behavior.latencyMs ?? state.scenario.latencyMs);
      const queued = state.queue.take(id);
      const rejected = providerRefusal(behavior, chat, providerFor(id));
      const decision: Decision = rejected
        ? { type: 'error', kind: 'reasoning_rejected', fallback: false, wire: rejected }
        : queued
          ? decideKind(queued, id, entry, behavior, chat, state)
          : decideBehavior(id, entry, behavior, chat, state);
      if (decision.type === 'reply') {
        const thought = planThought(id, entry, behavior, chat, state.random);
        if (thought) {
          decision.thought = thought;
          if (!chat.stream) delayMs += thought.thinkMs;
        }
        decision.budget = chat.maxTokens ?? behavior.maxOutputTokens ?? maxCompletionTokens(entry);
      }

      if (decision.type === 'reply' && chat.imageUrls.length > 0 && !images) {
        try {
          images = await Promise.all(chat.imageUrls.map((u) => loadImage(u, signal)));
        } catch (err) {
          if (!(err instanceof ImageError)) throw err;
          record({ kind: 'bad_image', status: '400' });
          return this.out.sendWire(res, imageProblem(errorContext(id, behavior, state), err.problem), token);
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
    if (last?.type === 'error') return this.out.sendWire(res, last.wire, token);
    if (last?.type === 'error200') return this.out.sendError200(last.body, chat, undefined, token, res);
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
      if (!signal.aborted) this.out.sendWire(res, wireError(408, 'Operation timed out. Please try again later.'), token);
      return;
    }
    if (chat.stream && (d.type === 'reply' || d.type === 'error200')) {
      this.out.startStream(res, served);
      await state.sleep(delayMs, signal);
      if (signal.aborted) return;
      if (d.type === 'error200') return this.out.sendError200(d.body, chat, served, token, res);
      return this.out.streamReply(d, chat, served, images, behavior, token, res, signal);
    }
    await state.sleep(delayMs, signal);
    if (signal.aborted) return;
    if (d.type === 'error') return this.out.sendWire(res, d.wire, token);
    if (d.type === 'error200') return this.out.sendError200(d.body, chat, served, token, res);
    // A reset before any response: the client sees the socket close.
    if (d.fault?.type === 'reset') return void res.destroy();

    this.out.jsonReply(d, chat, served, images, behavior, token, res);
  }


}
