/** Parsing the chat-completions body the way `@openrouter/ai-sdk-provider@3.1.0` sends it. */
import { z } from 'zod';

export const MAX_MODELS = 3;

/** The `reasoning.effort` values OpenRouter accepts, highest first. */
export const REASONING_EFFORTS = ['max', 'xhigh', 'high', 'medium', 'low', 'minimal', 'none'] as const;
export type ReasoningEffort = (typeof REASONING_EFFORTS)[number];

/** The request's `reasoning` parameter (or its legacy forms `reasoning_effort`, `include_reasoning`). */
export interface ReasoningRequest {
  effort?: ReasoningEffort;
  maxTokens?: number;
  exclude?: boolean;
  enabled?: boolean;
}

const contentPart = z.object({ type: z.string() }).passthrough();
const message = z
  .object({
    role: z.string(),
    content: z.union([z.string(), z.array(contentPart), z.null()]).optional(),
  })
  .passthrough();

const chatBodySchema = z
  .object({
    model: z.string().min(1).optional(),
    models: z.array(z.string().min(1)).optional().nullable(),
    messages: z.array(message).min(1),
    stream: z.boolean().optional().nullable(),
    max_tokens: z.number().int().positive().optional().nullable(),
    max_completion_tokens: z.number().int().positive().optional().nullable(),
    stop: z.union([z.string(), z.array(z.string())]).optional().nullable(),
    response_format: z
      .object({
        type: z.string(),
        json_schema: z.object({ name: z.string().optional(), schema: z.unknown().optional() }).passthrough().optional(),
      })
      .passthrough()
      .optional()
      .nullable(),
    provider: z.object({}).passthrough().optional().nullable(),
    reasoning: z
      .object({
        effort: z.enum(REASONING_EFFORTS).optional().nullable(),
        max_tokens: z.number().int().min(0).optional().nullable(),
        exclude: z.boolean().optional().nullable(),
        enabled: z.boolean().optional().nullable(),
      })
      .passthrough()
      .optional()
      .nullable(),
    reasoning_effort: z.enum(REASONING_EFFORTS).optional().nullable(),
    include_reasoning: z.boolean().optional().nullable(),
  })
  .passthrough();

export type ChatBody = z.infer<typeof chatBodySchema>;

export interface ChatRequest {
  /** Models to try in order (`model`, then the `models` fallbacks). */
  candidates: string[];
  stream: boolean;
  maxTokens?: number;
  stop: string[];
  responseFormat?: { type: string; schema?: unknown };
  /** Text of the last user message. */
  lastUserText: string;
  /** System text plus the last user message: where "answer in JSON/XML" instructions live. */
  instructionText: string;
  /** Every text part of every message, for token estimates. */
  allText: string;
  /** Image URLs from `image_url` parts (and image `file` parts), in order. */
  imageUrls: string[];
  /** What the request said about reasoning, when it said anything. */
  reasoning?: ReasoningRequest;
}

export class BadRequest extends Error {}

function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content
    .filter((p): p is { type: 'text'; text: string } => p?.type === 'text' && typeof p.text === 'string')
    .map((p) => p.text)
    .join('\n');
}

function imagesOf(content: unknown): string[] {
  if (!Array.isArray(content)) return [];
  const urls: string[] = [];
  for (const part of content) {
    if (part?.type === 'image_url') {
      const u = typeof part.image_url === 'string' ? part.image_url : part.image_url?.url;
      if (typeof u !== 'string') throw new BadRequest('Invalid image_url content part: expected image_url.url to be a string');
      urls.push(u);
    } else if (part?.type === 'file' && typeof part.file?.file_data === 'string' && part.file.file_data.startsWith('data:image/')) {
      urls.push(part.file.file_data);
    }
  }
  return urls;
}

/** Validates the body; throws BadRequest with a message naming the field. */
export function parseChatBody(raw: unknown): ChatRequest {
  const parsed = chatBodySchema.safeParse(raw);
  if (!parsed.success) {
    const i = parsed.error.issues[0]!;
    throw new BadRequest(`Invalid request body: ${i.path.join('.') || '(root)'}: ${i.message}`);
  }
  const body = parsed.data;
  const candidates: string[] = [];
  if (body.model) candidates.push(body.model);
  for (const m of body.models ?? []) if (!candidates.includes(m)) candidates.push(m);
  if (candidates.length === 0) throw new BadRequest('Invalid request body: model: expected a model id (or a "models" array)');

  const messages = body.messages;
  const lastUser = [...messages].reverse().find((m) => m.role === 'user');
  const system = messages.filter((m) => m.role === 'system' || m.role === 'developer').map((m) => textOf(m.content));
  const lastUserText = lastUser ? textOf(lastUser.content) : '';
  const rf = body.response_format;
  const reasoning = reasoningOf(body);
  return {
    candidates,
    stream: body.stream === true,
    maxTokens: body.max_completion_tokens ?? body.max_tokens ?? undefined,
    stop: body.stop == null ? [] : typeof body.stop === 'string' ? [body.stop] : body.stop,
    responseFormat: rf && rf.type !== 'text' ? { type: rf.type, schema: rf.json_schema?.schema } : undefined,
    lastUserText,
    instructionText: [...system, lastUserText].join('\n'),
    allText: messages.map((m) => textOf(m.content)).join('\n'),
    imageUrls: messages.flatMap((m) => (m.role === 'user' ? imagesOf(m.content) : [])),
    ...(reasoning ? { reasoning } : {}),
  };
}

/** `reasoning`, else the legacy `reasoning_effort` and `include_reasoning` (false = exclude). */
function reasoningOf(body: ChatBody): ReasoningRequest | undefined {
  const r = body.reasoning;
  const out: ReasoningRequest = {};
  const effort = r?.effort ?? body.reasoning_effort;
  if (effort) out.effort = effort;
  if (typeof r?.max_tokens === 'number') out.maxTokens = r.max_tokens;
  if (typeof r?.exclude === 'boolean') out.exclude = r.exclude;
  else if (body.include_reasoning === false) out.exclude = true;
  if (typeof r?.enabled === 'boolean') out.enabled = r.enabled;
  return r || effort || typeof body.include_reasoning === 'boolean' ? out : undefined;
}
