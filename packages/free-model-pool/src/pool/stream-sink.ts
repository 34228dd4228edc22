import type { PoolOutcome, TokenUsage } from '../types.js';
import type { PoolStream } from './requests.js';
import { deferred, TextChannel } from './text-channel.js';

/**
 * A pooled stream being written: the chunk channel and the four promises a `PoolStream` carries.
 * The pool's stream and the last resort's both build theirs here, so they end and fail alike.
 */
export class StreamSink {
  readonly channel = new TextChannel();
  readonly text = deferred<string>();
  readonly usage = deferred<TokenUsage | undefined>();
  readonly finishReason = deferred<string | undefined>();
  readonly outcome = deferred<PoolOutcome<string>>();

  /** The stream ended with a whole answer: the channel closes, then each promise settles. */
  finish(done: { text: string; usage: TokenUsage | undefined; finishReason: string | undefined; outcome: PoolOutcome<string> }): void {
    this.channel.end();
    this.text.resolve(done.text);
    this.usage.resolve(done.usage);
    this.finishReason.resolve(done.finishReason);
    this.outcome.resolve(done.outcome);
  }

  /** The stream failed: the reader's loop throws `error` and every promise rejects with it. */
  fail(error: unknown): void {
    this.channel.fail(error);
    for (const d of [this.text, this.usage, this.finishReason, this.outcome]) d.reject(error);
  }

  /** What the caller gets. */
  stream(): PoolStream {
    return {
      textStream: this.channel,
      text: this.text.promise,
      usage: this.usage.promise,
      finishReason: this.finishReason.promise,
      outcome: this.outcome.promise,
    };
  }
}
