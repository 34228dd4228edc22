// Answer hygiene: the one place where a model's reply becomes an answer. Text, object, image and
// stream calls all go through it, so thinking never reaches a caller whatever shape it came in.
export { THINK_TAGS, splitThinking, type SplitText } from './think-tags.js';
export { judgeAnswer, noAnswer, InvalidAnswerError, THINKING_SHARE_LIMIT, type CleanAnswer, type RawAnswer, type Refusal } from './judge.js';
export { ThinkingFilter, STREAM_HOLD_CHARS, type ThinkingFilterOptions } from './stream-filter.js';
