import { AsyncLocalStorage } from 'node:async_hooks';
import type { IAgentRuntime } from '@elizaos/core';
import { FreeModelPoolError, type CallPriority } from '@freepool/free-model-pool';
import { LOG_SOURCE } from '../logging.js';
import { MissingApiKeyError } from './missing-key.js';

/**
 * Whose call a model call is. In @elizaos/core 1.7.2 every call of one message (should-respond,
 * the reply, actions, and the evaluators after the reply) runs inside the same streaming context
 * when the client streams, and none does when it does not, so neither the model type nor that
 * context tells a reply from background work. What does: evaluators (reflection, fact extraction)
 * all run inside `runtime.evaluate`, after the reply has been sent. So `evaluate` runs in a
 * background scope, and every other call is on the reply path.
 */
const backgroundScope = new AsyncLocalStorage<true>();
const INSTALLED = Symbol.for('freepool.priority-scopes');

type Evaluate = IAgentRuntime['evaluate'];

/**
 * Wraps the runtime's `evaluate` once: its model calls are `background`, and a free-model error
 * that escapes an evaluator (the reserve refused it, the day is used up, there is no API key) is
 * logged instead of failing the message, whose reply has already gone out.
 */
export function installPriorityScopes(runtime: IAgentRuntime): void {
  const marked = runtime as IAgentRuntime & { [INSTALLED]?: true };
  if (marked[INSTALLED] || typeof runtime.evaluate !== 'function') return;
  marked[INSTALLED] = true;
  const evaluate: Evaluate = runtime.evaluate.bind(runtime);
  runtime.evaluate = ((...args: Parameters<Evaluate>) =>
    backgroundScope.run(true, async () => {
      try {
        return await evaluate(...args);
      } catch (error) {
        if (MissingApiKeyError.isInstance(error)) {
          // The start-up warning and the reply's notice already say so; once per message is enough.
          runtime.logger.debug({ src: LOG_SOURCE }, `an evaluator's model call was skipped: ${error.message}`);
          return [];
        }
        if (!FreeModelPoolError.isInstance(error)) throw error;
        runtime.logger.warn({ src: LOG_SOURCE, reason: error.reason }, `an evaluator's model call was not answered (${error.reason}); the reply was not affected: ${error.message}`);
        return [];
      }
    })) as Evaluate;
}

/** The call's priority: the user's pin for the model type, else background inside `evaluate`, else reply. */
export function callPriority(modelType: string, overrides: Readonly<Record<string, CallPriority>>): CallPriority {
  return overrides[modelType] ?? (backgroundScope.getStore() ? 'background' : 'reply');
}
