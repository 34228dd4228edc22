import { FreeModelPoolError } from '@freepool/free-model-pool';

/**
 * The short message a person reads in the conversation when no model could answer, in place of
 * silence. It is returned as the model's answer to the core's own prompts, so @elizaos/core posts
 * it through its normal reply path: the web chat, the messaging API and any client see it.
 */

/** `3 h 12 min`, `12 min`, `less than a minute`. */
export function formatWait(ms: number): string {
  const minutes = Math.ceil(ms / 60_000);
  if (ms <= 0 || minutes < 1) return 'less than a minute';
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  return h > 0 ? `${h} h${m ? ` ${m} min` : ''}` : `${m} min`;
}

/** The notice for `error`, or undefined when it is not the free tier giving up. */
export function noticeFor(error: unknown, texts: { daily: string; busy: string }, now: number): string | undefined {
  if (!FreeModelPoolError.isInstance(error)) return undefined;
  const daily = error.reason === 'account_daily_limit';
  const at = error.retryAt !== undefined && error.retryAt > now ? error.retryAt : undefined;
  const time = at !== undefined ? new Date(at).toISOString().slice(11, 16) : 'the next UTC midnight';
  const wait = at !== undefined ? formatWait(at - now) : daily ? 'a few hours' : 'a minute';
  return (daily ? texts.daily : texts.busy).replaceAll('{time}', time).replaceAll('{in}', wait);
}

const escapeXml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/**
 * The notice in the shape the prompt asks for, or undefined for prompts it does not fit:
 * - the reply prompt (messageHandlerTemplate: `<thought>`, `<actions>`, `<text>`): a simple REPLY
 *   carrying the notice;
 * - the should-respond prompt (`<action>` RESPOND | IGNORE | STOP): RESPOND, so the reply prompt
 *   that follows posts the notice.
 */
export function noticeAnswer(prompt: string, notice: string): string | undefined {
  const asks = (tag: string) => prompt.includes(`<${tag}>`);
  if (asks('text') && asks('actions')) {
    return `<response>\n<thought>No model could answer; telling the user why.</thought>\n<actions>REPLY</actions>\n<providers></providers>\n<text>${escapeXml(notice)}</text>\n<simple>true</simple>\n</response>`;
  }
  if (asks('action') && /RESPOND/.test(prompt)) {
    return '<response>\n<name>agent</name>\n<reasoning>No model could answer; the reply will say why.</reasoning>\n<action>RESPOND</action>\n</response>';
  }
  return undefined;
}
