import { closerOf, couldBeOpener, leadingOpener, LONGEST_CLOSER, orphanCloser } from './think-tags.js';

/**
 * Most characters held back of a reasoning model's stream that begins with plain text, in case a
 * closing think tag without its opener follows (the thinking of a model whose chat template opened
 * the tag). An answer in a structure (`<response>`, JSON, a code fence) is released at once; plain
 * text at a closing tag, at the end, or past this many characters; from a model known to think
 * without an opener, only at the closing tag or the end. A model that does not reason is not held.
 */
export const STREAM_HOLD_CHARS = 4096;

export interface ThinkingFilterOptions {
  /** The model reasons (its catalog entry takes the `reasoning` parameter): plain text may be thinking. */
  holdPlainText?: boolean;
  /** The model has sent thinking closed by a tag it never opened before: hold plain text to the end. */
  thinksWithoutOpener?: boolean;
  /** Overrides STREAM_HOLD_CHARS. */
  holdChars?: number;
}

type State = 'start' | 'inside' | 'answer';

/**
 * The streaming side of answer hygiene (the whole-answer side is `splitThinking`): chunks of the
 * provider's text go in, chunks of the answer alone come out. A leading think block is buffered and
 * kept out; text that may be thinking before an orphan closing tag is held back; once the answer has
 * begun, chunks pass through unchanged. So a stream's first chunk is the first chunk of the answer.
 */
export class ThinkingFilter {
  private state: State = 'start';
  private buffer = '';
  private tag = '';
  private readonly thoughts: string[] = [];
  /** The think block being read, until its closer. */
  private current = '';
  /** Whether an answer chunk has come out yet (the first one loses its leading blank lines). */
  private started = false;
  /** A think block was closed: what follows is the answer (or another block), never orphan thinking. */
  private closedBlock = false;

  constructor(private readonly opts: ThinkingFilterOptions = {}) {}

  /** Feeds one chunk of the provider's text; returns the answer text it releases ('' for none yet). */
  push(chunk: string): string {
    if (this.state === 'answer') return this.emit(chunk);
    this.buffer += chunk;
    return this.drain();
  }

  /** The stream ended: releases held text that turned out to be the answer. */
  end(): string {
    if (this.state === 'inside') {
      this.thoughts.push(this.current + this.buffer);
      this.current = this.buffer = '';
      return '';
    }
    if (this.state === 'start') {
      const held = this.buffer;
      this.buffer = '';
      this.state = 'answer';
      return held.trim() === '' ? '' : this.emit(held);
    }
    return '';
  }

  /** The thinking kept out of the answer so far. */
  get thinking(): string {
    return [...this.thoughts, this.current].map((t) => t.trim()).filter((t) => t !== '').join('\n\n');
  }

  /** A think block was opened and never closed (at `end`). */
  get unclosed(): boolean {
    return this.state === 'inside';
  }

  /** The answer has begun. */
  get answering(): boolean {
    return this.state === 'answer';
  }

  /** The model ended its thinking with a closing tag it never opened (worth remembering). */
  sawOrphanCloser = false;

  private drain(): string {
    let out = '';
    for (;;) {
      if (this.state === 'inside') {
        const close = closerOf(this.tag).exec(this.buffer);
        if (!close) {
          // Keep a tail that may be the start of the closer; the rest is thinking.
          const keep = Math.min(this.buffer.length, LONGEST_CLOSER);
          this.current += this.buffer.slice(0, this.buffer.length - keep);
          this.buffer = this.buffer.slice(this.buffer.length - keep);
          return out;
        }
        this.thoughts.push(this.current + this.buffer.slice(0, close.index));
        this.current = '';
        this.buffer = this.buffer.slice(close.index + close[0].length);
        this.state = 'start';
        this.closedBlock = true;
        continue;
      }
      // state 'start': a think block, an orphan closer, or the answer.
      const lead = this.buffer.trimStart();
      if (lead === '') return out;
      const open = leadingOpener(lead);
      if (open) {
        this.tag = open.tag;
        this.buffer = lead.slice(open.length);
        this.state = 'inside';
        continue;
      }
      if (couldBeOpener(lead)) return out;
      if (!this.closedBlock) {
        const orphan = orphanCloser(this.buffer);
        if (orphan) {
          this.thoughts.push(this.buffer.slice(0, orphan.index));
          this.buffer = this.buffer.slice(orphan.end);
          this.sawOrphanCloser = true;
          this.closedBlock = true;
          continue;
        }
        if (this.mayBeThinking(lead)) return out;
      }
      const released = this.buffer;
      this.buffer = '';
      this.state = 'answer';
      return out + this.emit(released);
    }
  }

  /** Plain text at the start may be thinking whose opener the chat template sent: held while within bounds. */
  private mayBeThinking(lead: string): boolean {
    if (/^(<[A-Za-z!?/]|[{[]|```)/.test(lead)) return false;
    if (this.opts.thinksWithoutOpener) return true;
    if (!this.opts.holdPlainText) return false;
    return this.buffer.length <= (this.opts.holdChars ?? STREAM_HOLD_CHARS);
  }

  private emit(text: string): string {
    if (this.started) return text;
    const trimmed = text.trimStart();
    if (trimmed !== '') this.started = true;
    return trimmed;
  }
}
