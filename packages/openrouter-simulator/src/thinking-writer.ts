/** How a reasoning model's thinking goes out on a stream, before its answer. */
import { scrub } from './http-util.js';
import type { Thought } from './reasoning.js';
import { pieces, type Reply } from './replies.js';
import type { SimState } from './state.js';

/** Most reasoning chunks a stream sends; a long thinking goes out in groups of words. */
const MAX_REASONING_CHUNKS = 16;

/** Thinking as at most MAX_REASONING_CHUNKS chunks of whole words. */
function thinkingPieces(text: string): string[] {
  const words = pieces(text);
  const per = Math.max(1, Math.ceil(words.length / MAX_REASONING_CHUNKS));
  const out: string[] = [];
  for (let i = 0; i < words.length; i += per) out.push(words.slice(i, i + per).join(''));
  return out;
}

/** One `reasoning_details` entry, as OpenRouter sends plain-text reasoning. */
export function reasoningDetail(text: string) {
  return { type: 'reasoning.text', text, format: 'unknown', index: 0 };
}

/**
 * The thinking phase of a stream: the reasoning (field style: `delta.reasoning` and
 * `delta.reasoning_details`; inline styles: the content's thinking prefix) in up to 16 chunks spread
 * over `thinkMs`, so the first answer token comes that long after the first event. False when the
 * client left meanwhile.
 */
export async function streamThinking(
  state: SimState,
  write: (data: unknown) => void,
  thought: Thought,
  reply: Reply,
  base: Record<string, unknown>,
  token: string,
  signal: AbortSignal,
): Promise<boolean> {
  const field = thought.style === 'field';
  const text = field ? (reply.reasoning ?? '') : reply.text.slice(0, reply.thinkingChars);
  const chunks = thinkingPieces(scrub(text, token));
  if (chunks.length === 0) {
    await state.sleep(thought.thinkMs, signal);
    return !signal.aborted;
  }
  for (const piece of chunks) {
    await state.sleep(thought.thinkMs / chunks.length, signal);
    if (signal.aborted) return false;
    const delta = field
      ? { role: 'assistant', content: '', reasoning: piece, ...(thought.details ? { reasoning_details: [reasoningDetail(piece)] } : {}) }
      : { role: 'assistant', content: piece };
    write({ ...base, choices: [{ index: 0, delta, finish_reason: null, native_finish_reason: null, logprobs: null }] });
  }
  return true;
}
