import { describe, expect, it } from 'vitest';
import { InvalidAnswerError, judgeAnswer, splitThinking, ThinkingFilter } from '../../src/pool/answer/index.js';

const ANSWER = '<response><thought>t</thought><text>Hello there</text></response>';

describe('splitThinking: thinking a provider left in the text', () => {
  it.each(['think', 'thinking', 'reasoning', 'THINK'])('a leading <%s> block is taken out', (tag) => {
    const s = splitThinking(`\n<${tag}>\nmulling it over\n</${tag}>\n\n${ANSWER}`);
    expect(s).toEqual({ answer: ANSWER, thinking: 'mulling it over', unclosed: false });
  });

  it('several leading blocks', () => {
    expect(splitThinking('<think>a</think><think>b</think> answer')).toEqual({ answer: 'answer', thinking: 'a\n\nb', unclosed: false });
  });

  it('a closing tag without its opener: everything before it is thinking', () => {
    expect(splitThinking('I should greet them.\n</think>\n\nHello!')).toEqual({ answer: 'Hello!', thinking: 'I should greet them.', unclosed: false, withoutOpener: true });
  });

  it('an unclosed opener: all of it is thinking, no answer', () => {
    expect(splitThinking('<think>still going when the budget ran')).toEqual({ answer: '', thinking: 'still going when the budget ran', unclosed: true });
  });

  it("a tag of the same name inside the answer is the answer's (ElizaOS's should-respond XML has <reasoning>)", () => {
    const xml = '<response><name>Eliza</name><reasoning>they asked me</reasoning><action>RESPOND</action></response>';
    expect(splitThinking(xml)).toEqual({ answer: xml, thinking: '', unclosed: false });
    const mention = 'Models often wrap thoughts in <think> tags, closed by </think>.';
    expect(splitThinking(mention).answer).toBe(mention);
  });

  it('text without thinking comes back unchanged, whitespace and all', () => {
    expect(splitThinking('  plain answer \n')).toEqual({ answer: '  plain answer \n', thinking: '', unclosed: false });
  });
});

describe('judgeAnswer', () => {
  const judge = (raw: Parameters<typeof judgeAnswer>[0]) => judgeAnswer(raw, 'm:free');
  const refusal = (raw: Parameters<typeof judgeAnswer>[0]) => {
    try {
      judge(raw);
    } catch (e) {
      if (InvalidAnswerError.isRefusal(e)) return { refusal: e.refusal, reason: e.failure.reason, message: e.message };
      throw e;
    }
    return undefined;
  };

  it('reasoning from the field and from the text is kept beside the answer, never in it', () => {
    expect(judge({ text: '<think>inline</think>Hi', reasoningText: 'field', finishReason: 'stop' })).toEqual({ text: 'Hi', reasoning: 'field\n\ninline' });
  });

  it('only reasoning, or nothing: invalid_output', () => {
    expect(refusal({ text: '', reasoningText: 'all thought', finishReason: 'stop' })).toMatchObject({ refusal: 'thinking_only', reason: 'invalid_output' });
    expect(refusal({ text: '<think>all thought</think>\n', finishReason: 'stop' })).toMatchObject({ refusal: 'thinking_only' });
    expect(refusal({ text: '  ', finishReason: 'stop' })).toMatchObject({ refusal: 'empty', message: 'm:free returned empty text (finish reason stop)' });
  });

  it('cut by the length limit while thinking: the budget went on thinking', () => {
    expect(refusal({ text: '<think>long', finishReason: 'length' })).toMatchObject({ refusal: 'thinking_spent_budget' });
    expect(refusal({ text: '', reasoningText: 'long', finishReason: 'length' })).toMatchObject({ refusal: 'thinking_spent_budget' });
    // An answer began, but 90% of the output was thinking (by the provider's count).
    expect(refusal({ text: 'Hel', reasoningText: 'x', finishReason: 'length', outputTokens: 100, reasoningTokens: 90 })).toMatchObject({
      refusal: 'thinking_spent_budget',
      message: 'm:free was cut off by the length limit after its thinking used 90% of the output',
    });
  });

  it("cut by the length limit while answering: an answer, flagged", () => {
    expect(judge({ text: 'A long answer that ran o', reasoningText: 'ok', finishReason: 'length', outputTokens: 100, reasoningTokens: 10 })).toEqual({
      text: 'A long answer that ran o',
      reasoning: 'ok',
      cutByLength: true,
    });
    expect(judge({ text: 'No thinking at all, just cut', finishReason: 'length' })).toEqual({ text: 'No thinking at all, just cut', cutByLength: true });
  });
});

/** Feeds `chunks` one by one and records what comes out of each push. */
function run(chunks: string[], opts?: ConstructorParameters<typeof ThinkingFilter>[0]) {
  const f = new ThinkingFilter(opts);
  const out = chunks.map((c) => f.push(c));
  const tail = f.end();
  return { out, tail, text: out.join('') + tail, thinking: f.thinking, filter: f };
}

describe('ThinkingFilter: the first chunk out is the first chunk of the answer', () => {
  it('a leading think block split across chunks (even inside its tags) never comes out', () => {
    const r = run(['<th', 'ink>\nhmm, ', 'let me see</th', 'ink>\n\n<resp', 'onse><text>Hi</text></response>']);
    expect(r.text).toBe('<response><text>Hi</text></response>');
    expect(r.out[3]).toBe('<resp');
    expect(r.out.slice(0, 3).join('')).toBe('');
    expect(r.thinking).toBe('hmm, let me see');
  });

  it('after the answer begins, chunks pass through as they come', () => {
    const r = run(['<think>x</think>', 'Hello', ' there', ' friend']);
    expect(r.out).toEqual(['', 'Hello', ' there', ' friend']);
  });

  it('a structured answer (XML, JSON, a fence) is released at once', () => {
    expect(run(['<response>', '<text>a</text></response>']).out[0]).toBe('<response>');
    expect(run(['{"a":', '1}']).out[0]).toBe('{"a":');
    expect(run(['```json\n', '{}```']).out[0]).toBe('```json\n');
  });

  it('plain text is held until an orphan closing tag shows it was thinking', () => {
    const r = run(['I think ', 'they want a greeting.', '\n</think>\n\n', 'Hello!'], { holdPlainText: true });
    expect(r.out).toEqual(['', '', '', 'Hello!']);
    expect(r.thinking).toBe('I think they want a greeting.');
    expect(r.filter.sawOrphanCloser).toBe(true);
  });

  it('plain text with no closer is the answer: released at the end, or past the hold limit', () => {
    expect(run(['Just ', 'an answer.'], { holdPlainText: true }).out).toEqual(['', '']);
    expect(run(['Just ', 'an answer.'], { holdPlainText: true }).tail).toBe('Just an answer.');
    const long = run(['a'.repeat(30), 'b'.repeat(30), 'c'], { holdPlainText: true, holdChars: 50 });
    expect(long.out).toEqual(['', 'a'.repeat(30) + 'b'.repeat(30), 'c']);
    // A model known to think without an opener is held to the end.
    expect(run(['a'.repeat(30), 'b'.repeat(30)], { holdChars: 50, thinksWithoutOpener: true }).out).toEqual(['', '']);
  });

  it('a model that does not reason is not held: plain text streams at once', () => {
    expect(run(['Just ', 'an answer.']).out).toEqual(['Just ', 'an answer.']);
  });

  it('an unclosed think block yields no answer', () => {
    const r = run(['<think>', 'on and on']);
    expect(r.text).toBe('');
    expect(r.filter.unclosed).toBe(true);
    expect(r.thinking).toBe('on and on');
  });
});
