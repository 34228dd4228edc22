import type { IAgentRuntime } from '@elizaos/core';
import type { CallPriority } from '@freepool/free-model-pool';
import { handsOver } from '@freepool/free-model-pool/internal';
import type { PluginSettings } from '../config.js';
import { LOG_SOURCE } from '../logging.js';
import { requestLogFor } from '../status/request-log.js';
import { MISSING_KEY_NOTICE, MissingApiKeyError } from './missing-key.js';
import { nextHandler } from './next-handler.js';
import { noticeAnswer, noticeFor } from './notice.js';

/**
 * What a handler does once the free pool (and the engine's last resort, when configured) gave up
 * on a call, or could not call at all for want of OPENROUTER_API_KEY: hand it to the next model
 * handler (OPENROUTER_LAST_RESORT_HANDLER), else, on the reply path, answer the core's reply prompt
 * with the notice (OPENROUTER_NOTICE; for the missing key its own text, which OPENROUTER_NOTICE=off
 * does not silence: without it the person would get a server error), else rethrow.
 * Errors that are not the free tier giving up (an abort, a bad request) are rethrown at once.
 */
export async function afterPoolGaveUp(
  runtime: IAgentRuntime,
  modelType: string,
  params: Record<string, unknown>,
  error: unknown,
  settings: PluginSettings,
  priority: CallPriority,
): Promise<unknown> {
  const noKey = MissingApiKeyError.isInstance(error);
  if (!noKey && !handsOver(error)) throw error;
  const reason = noKey ? 'no_api_key' : error.reason;
  if (settings.nextHandler) {
    const next = nextHandler(runtime, modelType, settings.nextHandler);
    if (next) {
      runtime.logger.info({ src: LOG_SOURCE, modelType, lastResort: next.provider }, `${modelType}: the free tier cannot answer (${reason}); handing the call to ${next.provider}, the last resort`);
      try {
        const answer = await next.handler(runtime, params);
        requestLogFor(runtime).noteWall({ handler: next.provider });
        return answer;
      } catch (e) {
        runtime.logger.warn({ src: LOG_SOURCE, modelType, lastResort: next.provider }, `${modelType}: the last resort ${next.provider} failed too: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
  }
  const prompt = typeof params.prompt === 'string' ? params.prompt : undefined;
  const texts = settings.notice;
  if (priority === 'reply' && (texts || noKey) && prompt !== undefined) {
    const notice = noKey ? MISSING_KEY_NOTICE : texts ? noticeFor(error, texts, Date.now()) : undefined;
    const answer = notice === undefined ? undefined : noticeAnswer(prompt, notice);
    if (answer !== undefined) {
      runtime.logger.info({ src: LOG_SOURCE, modelType, reason }, `${modelType}: no model could answer; the reply tells the user: ${notice}`);
      requestLogFor(runtime).noteWall('notice');
      return answer;
    }
  }
  throw error;
}
