/**
 * Deterministic reply text: an echo for plain prompts, a schema-satisfying value for JSON requests,
 * the ElizaOS `<response>` XML when the prompt asks for it, and an image description that proves
 * the image bytes really reached the "model".
 */
import type { ImageInfo } from './images.js';
import { valueForSchema } from './json-schema-value.js';
import type { Thought } from './reasoning.js';
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
  /** `message.content`: the answer, after the thinking for the inline styles. */
  text: string;
  /** How much of `text`, from its start, is thinking (inline styles); 0 otherwise. */
  thinkingChars: number;
  /** `message.reasoning` (field style, unless the request excluded it). */
  reasoning?: string;
  finishReason: 'stop' | 'length';
  promptTokens: number;
  completionTokens: number;
  /** Reported as `completion_tokens_details.reasoning_tokens` (field style). */
  reasoningTokens: number;
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

/**
 * The reply: the answer text (fixed, or built for the request), cut at a stop string, and with the
 * model's thinking placed before it. Thinking and answer share the completion budget (`budget`
 * tokens, when there is one): thinking that fills it leaves no answer (an unclosed tag for the
 * inline styles), and an answer that does not fit is cut; either ends with `finish_reason: "length"`.
 */
export function buildReply(
  model: string,
  req: ChatRequest,
  images: ImageInfo[],
  mode: ReplyMode,
  fixed?: string,
  thought?: Thought,
  budget: number | undefined = req.maxTokens,
): Reply {
  let answer: string;
  let finishReason: Reply['finishReason'] = 'stop';
  switch (mode) {
    case 'empty':
      answer = '';
      break;
    case 'bad_json': {
      const json = jsonText(model, req);
      answer = `Sure! Here is the JSON: ${json.slice(0, Math.ceil(json.length / 2))}`;
      break;
    }
    case 'fenced_json':
      answer = '```json\n' + (fixed ?? jsonText(model, req)) + '\n```';
      break;
    default:
      answer = baseText(model, req, images, fixed);
  }
  for (const s of req.stop) {
    const at = s ? answer.indexOf(s) : -1;
    if (at >= 0) answer = answer.slice(0, at);
  }
  let thinking = thought?.text ?? '';
  let thinkingTokens = thought?.tokens ?? 0;
  let thinkingDone = true;
  if (budget !== undefined && thinkingTokens >= budget) {
    thinking = thinking.slice(0, budget * CHARS_PER_TOKEN);
    thinkingTokens = budget;
    thinkingDone = false;
    answer = '';
    finishReason = 'length';
  } else if (budget !== undefined && estimateTokens(answer) > budget - thinkingTokens) {
    answer = answer.slice(0, (budget - thinkingTokens) * CHARS_PER_TOKEN);
    finishReason = 'length';
  }
  let text = answer;
  let thinkingChars = 0;
  let reasoning: string | undefined;
  if (thought?.style === 'field') {
    if (thought.returned) reasoning = thinking;
  } else if (thought) {
    const close = thinkingDone ? `</${thought.tag}>\n\n` : '';
    const prefix = `${thought.style === 'inline' ? `<${thought.tag}>\n` : ''}${thinking}${close}`;
    text = prefix + answer;
    thinkingChars = prefix.length;
  }
  return {
    text,
    thinkingChars,
    ...(reasoning !== undefined ? { reasoning } : {}),
    finishReason,
    promptTokens: promptTokens(req),
    completionTokens: estimateTokens(answer) + thinkingTokens,
    reasoningTokens: thought?.style === 'field' ? thinkingTokens : 0,
  };
}

/** Words with their trailing spaces: one content chunk each. */
export function pieces(text: string): string[] {
  return text.match(/\S+\s*|\s+/g) ?? [];
}
