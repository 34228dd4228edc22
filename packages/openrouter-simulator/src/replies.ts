/**
 * Deterministic reply text: an echo for plain prompts, a schema-satisfying value for JSON requests,
 * the ElizaOS `<response>` XML when the prompt asks for it, and an image description that proves
 * the image bytes really reached the "model".
 */
import type { ImageInfo } from './images.js';
import { valueForSchema } from './json-schema-value.js';
import type { ChatRequest } from './request.js';

/** Characters per token for the rough token counts in `usage`. */
export const CHARS_PER_TOKEN = 4;
/** Extra prompt tokens billed per image. */
export const TOKENS_PER_IMAGE = 85;
const ECHO_CHARS = 60;
/** What an agent (a prompt asking for ElizaOS `<response>` XML) hears back from the simulator. */
export const OFFLINE_AGENT_TEXT =
  'this agent is running offline on the OpenRouter simulator, so this is a canned answer. Set OPENROUTER_API_KEY to talk to a real free model.';

export type ReplyMode = 'ok' | 'bad_json' | 'fenced_json' | 'empty';

export interface Reply {
  text: string;
  finishReason: 'stop' | 'length';
  promptTokens: number;
  completionTokens: number;
}

export function estimateTokens(text: string): number {
  return Math.ceil(text.length / CHARS_PER_TOKEN);
}

export function promptTokens(req: ChatRequest): number {
  return estimateTokens(req.allText) + TOKENS_PER_IMAGE * req.imageUrls.length;
}

/** The request wants JSON: a response_format, or a prompt that asks for JSON (and not for XML). */
export function wantsJson(req: ChatRequest): boolean {
  if (req.responseFormat) return req.responseFormat.type === 'json_object' || req.responseFormat.type === 'json_schema';
  return /\bjson\b/i.test(req.instructionText) && !/<response>/.test(req.instructionText);
}

function plainText(model: string, req: ChatRequest): string {
  const oneLine = req.lastUserText.replace(/\s+/g, ' ').trim();
  const echo = oneLine.length > ECHO_CHARS ? `${oneLine.slice(0, ECHO_CHARS)}…` : oneLine || '(no text)';
  return `Simulated reply from ${model}: ${echo}`;
}

function jsonText(model: string, req: ChatRequest): string {
  const schema = req.responseFormat?.schema;
  const value = schema !== undefined ? valueForSchema(schema) : { reply: plainText(model, req), model };
  return JSON.stringify(value);
}

const XML_FILL: Record<string, (text: string) => string> = {
  thought: () => 'Simulated thought.',
  reasoning: () => 'Simulated reasoning.',
  actions: () => 'REPLY',
  action: () => 'RESPOND',
  providers: () => '',
  name: () => 'Simulator',
  text: (text) => text,
};

/** Fills the tags of the prompt's first `<response>…</response>` example. */
function xmlText(model: string, req: ChatRequest): string | undefined {
  const block = /<response>([\s\S]*?)<\/response>/.exec(req.instructionText);
  if (!block) return undefined;
  const tags = [...new Set([...block[1]!.matchAll(/<([A-Za-z_][\w-]*)>/g)].map((m) => m[1]!))];
  if (tags.length === 0) return undefined;
  // An agent's prompt is a whole template, so echoing it reads as nonsense in a chat window: say
  // plainly what the user is looking at instead.
  const text = `Simulated reply from ${model}: ${OFFLINE_AGENT_TEXT}`;
  return `<response>\n${tags.map((t) => `  <${t}>${(XML_FILL[t] ?? (() => 'example'))(text)}</${t}>`).join('\n')}\n</response>`;
}

function imageText(model: string, images: ImageInfo[]): string {
  const seen = images.map((i) => `An image of ${i.bytes} bytes (${i.mime}).`).join(' ');
  return `<response><title>Simulated image</title><description>${seen} Seen by ${model}.</description><text></text></response>`;
}

function baseText(model: string, req: ChatRequest, images: ImageInfo[], fixed: string | undefined): string {
  if (fixed !== undefined) return fixed;
  if (wantsJson(req)) return jsonText(model, req);
  if (images.length > 0) return imageText(model, images);
  return xmlText(model, req) ?? plainText(model, req);
}

export function buildReply(model: string, req: ChatRequest, images: ImageInfo[], mode: ReplyMode, fixed?: string): Reply {
  let text: string;
  let finishReason: Reply['finishReason'] = 'stop';
  switch (mode) {
    case 'empty':
      text = '';
      break;
    case 'bad_json': {
      const json = jsonText(model, req);
      text = `Sure! Here is the JSON: ${json.slice(0, Math.ceil(json.length / 2))}`;
      break;
    }
    case 'fenced_json':
      text = '```json\n' + (fixed ?? jsonText(model, req)) + '\n```';
      break;
    default:
      text = baseText(model, req, images, fixed);
  }
  for (const s of req.stop) {
    const at = s ? text.indexOf(s) : -1;
    if (at >= 0) text = text.slice(0, at);
  }
  if (req.maxTokens !== undefined && estimateTokens(text) > req.maxTokens) {
    text = text.slice(0, req.maxTokens * CHARS_PER_TOKEN);
    finishReason = 'length';
  }
  return { text, finishReason, promptTokens: promptTokens(req), completionTokens: estimateTokens(text) };
}
