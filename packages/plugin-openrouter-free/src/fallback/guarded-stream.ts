import type { TextStreamResult } from '@elizaos/core';
import { deferred, TextChannel } from '@freepool/free-model-pool/internal';

type Usage = Awaited<TextStreamResult['usage']>;

/**
 * `source`, unless it fails before its first chunk: then `replace(error)` decides what the caller
 * gets instead (a string, another handler's stream, or a rethrow). Text, usage and finish reason
 * follow whichever stream ended up answering. The source is read at once into a buffer, so a
 * caller that only awaits `text` gets it too.
 */
export function guardedStream(source: TextStreamResult, replace: (error: unknown) => Promise<unknown>): TextStreamResult {
  const channel = new TextChannel();
  const text = deferred<string>();
  const usage = deferred<Usage>();
  const finishReason = deferred<string | undefined>();
  for (const p of [source.text, source.usage, source.finishReason]) p.catch(() => undefined);

  const drain = async (from: TextStreamResult) => {
    for await (const chunk of from.textStream) channel.push(chunk);
    channel.end();
    text.resolve(await from.text);
    usage.resolve(await from.usage.catch(() => undefined));
    finishReason.resolve(await from.finishReason.catch(() => undefined));
  };
  const pump = async () => {
    let started = false;
    try {
      for await (const chunk of source.textStream) {
        started = true;
        channel.push(chunk);
      }
    } catch (error) {
      if (started) throw error;
      const instead = await replace(error);
      if (typeof instead === 'string') {
        channel.push(instead);
        channel.end();
        text.resolve(instead);
        usage.resolve(undefined);
        finishReason.resolve('stop');
        return;
      }
      if (instead && typeof instead === 'object' && 'textStream' in instead) return drain(instead as TextStreamResult);
      throw error;
    }
    channel.end();
    text.resolve(await source.text);
    usage.resolve(await source.usage.catch(() => undefined));
    finishReason.resolve(await source.finishReason.catch(() => undefined));
  };
  pump().catch((error: unknown) => {
    channel.fail(error);
    for (const d of [text, usage, finishReason]) d.reject(error);
  });
  return { textStream: channel, text: text.promise, usage: usage.promise, finishReason: finishReason.promise };
}
