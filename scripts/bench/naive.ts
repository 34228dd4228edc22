/**
 * The baseline: how most free-model pools work. Try the models in order with the AI SDK directly,
 * no retries (`maxRetries: 0`), and move on to the next model after any failure. No pacing, no
 * cooldowns, no memory between requests: every request starts again at the first model.
 */
import { createOpenRouter } from '@openrouter/ai-sdk-provider';
import { generateText } from 'ai';

export interface NaiveOutcome {
  text: string;
  model: string;
  /** Models called for this request, the last one being the one that answered. */
  calls: number;
}

export class NaiveExhaustedError extends Error {
  override name = 'NaiveExhaustedError';
  constructor(
    readonly calls: number,
    readonly lastError: unknown,
  ) {
    super(`every model failed (${calls} calls); last error: ${(lastError as Error)?.message ?? String(lastError)}`);
  }
}

export function createNaivePool(opts: { apiKey: string; baseURL: string; models: readonly string[] }) {
  const openrouter = createOpenRouter({ apiKey: opts.apiKey, baseURL: opts.baseURL });
  return {
    async generateText(prompt: string): Promise<NaiveOutcome> {
      let lastError: unknown;
      let calls = 0;
      for (const model of opts.models) {
        calls++;
        try {
          const result = await generateText({ model: openrouter.chat(model), prompt, maxRetries: 0 });
          return { text: result.text, model, calls };
        } catch (error) {
          lastError = error;
        }
      }
      throw new NaiveExhaustedError(calls, lastError);
    },
  };
}
