/**
 * Reasoning a provider left in the answer's text. Reasoning models served by stacks without a
 * reasoning parser put their thinking in `content`: a leading `<think>…</think>` block (other tag
 * names are in use: `<thinking>`, `<reasoning>`), or, when the chat template already opened the tag,
 * the thinking followed by a closing tag without its opener. Only those two places are read: a tag
 * of the same name inside an answer (ElizaOS's should-respond XML has a `<reasoning>` field inside
 * `<response>`) is part of the answer.
 */

/** Tag names reasoning models wrap their thinking in, lower case. */
export const THINK_TAGS: readonly string[] = ['think', 'thinking', 'reasoning'];

const OPENER = new RegExp(`^<(${THINK_TAGS.join('|')})>`, 'i');
const CLOSER = new RegExp(`</(${THINK_TAGS.join('|')})>`, 'i');

/** The text split into its answer and the thinking found before it. */
export interface SplitText {
  /** The answer, without the thinking and the blank lines after it. */
  answer: string;
  /** The thinking blocks' text, joined by a blank line; '' when there was none. */
  thinking: string;
  /** The text opened a think block it never closed: everything after the opener is thinking. */
  unclosed: boolean;
  /** The thinking ended with a closing tag whose opener never came (worth remembering of the model). */
  withoutOpener?: true;
}

/**
 * Splits a whole answer: leading think blocks (whitespace before each allowed), then a closing tag
 * whose opener never came. Text without either comes back unchanged as the answer.
 */
export function splitThinking(text: string): SplitText {
  const thoughts: string[] = [];
  let rest = text;
  for (;;) {
    const lead = rest.trimStart();
    const open = OPENER.exec(lead);
    if (!open) break;
    const body = lead.slice(open[0].length);
    const close = closerOf(open[1]!).exec(body);
    if (!close) return { answer: '', thinking: joinThoughts([...thoughts, body]), unclosed: true };
    thoughts.push(body.slice(0, close.index));
    rest = body.slice(close.index + close[0].length);
  }
  const orphan = thoughts.length === 0 ? orphanCloser(rest) : undefined;
  if (orphan) {
    const answer = rest.slice(orphan.end).trimStart();
    return { answer, thinking: joinThoughts([rest.slice(0, orphan.index)]), unclosed: false, withoutOpener: true };
  }
  if (thoughts.length === 0) return { answer: text, thinking: '', unclosed: false };
  return { answer: rest.trimStart(), thinking: joinThoughts(thoughts), unclosed: false };
}

/** The first closing think tag of `text` that no opener of its name comes before, when there is one. */
export function orphanCloser(text: string): { index: number; end: number } | undefined {
  const close = CLOSER.exec(text);
  if (!close) return undefined;
  const opener = new RegExp(`<${close[1]}>`, 'i');
  if (opener.test(text.slice(0, close.index))) return undefined;
  return { index: close.index, end: close.index + close[0].length };
}

/** The closing tag of an opener's name (the tag's case may differ between the two). */
export function closerOf(tag: string): RegExp {
  return new RegExp(`</${tag}>`, 'i');
}

/** An opener at the start of `text` (after whitespace), or undefined. */
export function leadingOpener(text: string): { tag: string; length: number } | undefined {
  const m = OPENER.exec(text);
  return m ? { tag: m[1]!, length: m[0].length } : undefined;
}

/** True when `text` could still become one of the openers (`<thi` of `<think>`), so more text must come first. */
export function couldBeOpener(text: string): boolean {
  const lower = text.toLowerCase();
  return THINK_TAGS.some((t) => `<${t}>`.startsWith(lower));
}

/** The longest closer of any think tag, so a closer split across two chunks is still found. */
export const LONGEST_CLOSER = Math.max(...THINK_TAGS.map((t) => t.length + 3));

function joinThoughts(parts: string[]): string {
  return parts
    .map((p) => p.trim())
    .filter((p) => p !== '')
    .join('\n\n');
}
