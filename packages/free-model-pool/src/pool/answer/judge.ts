import { ClassifiedAttemptError } from '../attempt-error.js';
import { splitThinking } from './think-tags.js';

/**
 * When an answer was cut by the length limit, the share of its output tokens that went on thinking
 * above which the caller's limit is judged spent on thinking, not on the answer: the answer is then
 * `invalid_output` and the next attempt thinks less.
 */
export const THINKING_SHARE_LIMIT = 0.5;

/** What a model sent back, before it is judged. */
export interface RawAnswer {
  /** The answer text as the provider gave it (`content`), thinking and all. */
  text: string;
  /** The reasoning the provider returned in its own field (`message.reasoning`), when it did. */
  reasoningText?: string;
  /** The unified finish reason (`stop`, `length`, …). */
  finishReason?: string;
  /** Output tokens, and of those the reasoning tokens, when the provider counted them. */
  outputTokens?: number;
  reasoningTokens?: number;
}

/** An answer fit to hand to the caller. */
export interface CleanAnswer {
  /** The answer alone: no thinking, whatever shape the provider left it in. */
  text: string;
  /** The thinking, from the reasoning field and the text; undefined when there was none. */
  reasoning?: string;
  /** The answer reached the length limit (the caller's or the model's) with the budget spent on the answer itself. */
  cutByLength?: true;
  /** The thinking ended with a closing tag whose opener never came. */
  withoutOpener?: true;
}

/** Why an answer was refused: it tells the next attempt whether to think less. */
export type Refusal = 'empty' | 'thinking_only' | 'thinking_spent_budget';

/**
 * An `invalid_output` failure that says why, so the request can ask the next model to think less
 * after `thinking_spent_budget` (and the model's record can note it).
 */
export class InvalidAnswerError extends ClassifiedAttemptError {
  readonly refusal: Refusal;
  constructor(message: string, refusal: Refusal) {
    super({ reason: 'invalid_output', status: 200, message });
    this.refusal = refusal;
  }
  static isRefusal(e: unknown): e is InvalidAnswerError {
    return ClassifiedAttemptError.isInstance(e) && typeof (e as { refusal?: unknown }).refusal === 'string';
  }
}

/**
 * The one judgement of a whole answer, for text, object and image calls: thinking the provider left
 * in the text is taken out; an answer that is only thinking, or that the length limit cut after the
 * thinking spent most of the budget, is refused; an answer the limit cut while it was being written
 * is kept and flagged. `what` names the answer in messages (`text`, `image description`).
 */
export function judgeAnswer(raw: RawAnswer, modelId: string, what = 'text'): CleanAnswer {
  const split = splitThinking(raw.text);
  const reasoning = [raw.reasoningText?.trim() ?? '', split.thinking].filter((t) => t !== '').join('\n\n');
  if (split.answer.trim() === '') throw noAnswer(reasoning, raw.finishReason, modelId, what);
  const out: CleanAnswer = { text: split.answer, ...(reasoning ? { reasoning } : {}), ...(split.withoutOpener ? { withoutOpener: true as const } : {}) };
  if (raw.finishReason !== 'length') return out;
  const share = thinkingShare(raw, reasoning, split.answer);
  if (share >= THINKING_SHARE_LIMIT) {
    throw new InvalidAnswerError(
      `${modelId} was cut off by the length limit after its thinking used ${Math.round(share * 100)}% of the output`,
      'thinking_spent_budget',
    );
  }
  return { ...out, cutByLength: true };
}

/**
 * The refusal of a reply with no answer in it, for a whole answer and for a stream that ended before
 * its first chunk of the answer: empty, only thinking, or thinking cut by the length limit.
 * `reasoning` is all the thinking seen, trimmed.
 */
export function noAnswer(reasoning: string, finishReason: string | undefined, modelId: string, what = 'text'): InvalidAnswerError {
  const finish = finishReason ?? 'unknown';
  if (reasoning === '') return new InvalidAnswerError(`${modelId} returned empty ${what} (finish reason ${finish})`, 'empty');
  if (finishReason === 'length') {
    return new InvalidAnswerError(`${modelId} spent its whole output budget thinking and gave no answer (finish reason length)`, 'thinking_spent_budget');
  }
  return new InvalidAnswerError(`${modelId} returned only its reasoning, no answer (finish reason ${finish})`, 'thinking_only');
}

/** The share of the output that was thinking: from the provider's token counts, else from the lengths. */
function thinkingShare(raw: RawAnswer, reasoning: string, answer: string): number {
  if (raw.reasoningTokens !== undefined && raw.reasoningTokens > 0 && raw.outputTokens !== undefined && raw.outputTokens > 0) {
    return Math.min(1, raw.reasoningTokens / raw.outputTokens);
  }
  const total = reasoning.length + answer.length;
  return total > 0 ? reasoning.length / total : 0;
}
