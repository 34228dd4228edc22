import { generateText, jsonSchema, Output } from 'ai';
import type { OpenRouterProvider } from '@openrouter/ai-sdk-provider';
import { classifyFailure, type ClassifiedFailure } from '@freepool/free-model-pool';
import { ClassifiedAttemptError, KEEP_RESPONSE_BODY, passThroughImageUrls, throwIfErrorFinish } from '@freepool/free-model-pool/internal';
import { solidPngDataUrl } from './png.js';

/** The three probe kinds: every model gets `text`; `json` if it claims JSON output; `image` if it takes images. */
export type ProbeKind = 'text' | 'json' | 'image';

/** Output budget per probe call: enough for a sentence (and for a reasoning model to get there). */
export const PROBE_MAX_OUTPUT_TOKENS = 256;
/** Side of the generated test image, px. */
export const PROBE_IMAGE_SIZE = 32;

const TEXT_PROMPT = 'In one short sentence: why do APIs have rate limits?';
const JSON_PROMPT = 'Give the capital of France as JSON with the fields "city" and "country".';
const JSON_SCHEMA = {
  type: 'object',
  properties: { city: { type: 'string' }, country: { type: 'string' } },
  required: ['city', 'country'],
  additionalProperties: false,
} as const;
const IMAGE_PROMPT = 'What colour fills this image? Answer with one word.';
const IMAGE_URL = solidPngDataUrl(PROBE_IMAGE_SIZE, [220, 30, 30]);

export interface ProbeOutcome {
  ok: boolean;
  /** Wall time of the call, ms. */
  latencyMs: number;
  outputTokens?: number;
  /** First characters of the answer, for a human to eyeball. */
  sample?: string;
  failure?: ClassifiedFailure;
}

interface CallInput {
  client: OpenRouterProvider;
  model: string;
  kind: ProbeKind;
  structuredOutputs: boolean;
  /** The run's signal (Ctrl-C); the call adds its own timeout. */
  runSignal: AbortSignal;
  timeoutMs: number;
  secrets: string[];
}

/** One probe call, timed and classified. Never throws: failures come back as `failure`. */
export async function probeCall(input: CallInput): Promise<ProbeOutcome> {
  const { client, model, kind, runSignal, timeoutMs } = input;
  const signal = AbortSignal.any([runSignal, AbortSignal.timeout(timeoutMs)]);
  // The body is kept so a finish error is classified from the provider's error next to the content.
  const common = {
    model: client.chat(model),
    maxRetries: 0,
    abortSignal: signal,
    maxOutputTokens: PROBE_MAX_OUTPUT_TOKENS,
    temperature: 0,
    include: KEEP_RESPONSE_BODY,
  };
  const started = performance.now();
  try {
    let text: string;
    let outputTokens: number | undefined;
    if (kind === 'json') {
      const r = await generateText({
        ...common,
        prompt: JSON_PROMPT,
        output: Output.object({ schema: jsonSchema<{ city: string; country: string }>(JSON_SCHEMA) }),
        ...(input.structuredOutputs ? { providerOptions: { openrouter: { provider: { require_parameters: true } } } } : {}),
      });
      throwIfErrorFinish(r, model);
      const value = r.output;
      if (typeof value?.city !== 'string') throw new ClassifiedAttemptError({ reason: 'invalid_output', status: 200, message: `${model} returned JSON without "city"` });
      text = JSON.stringify(value);
      outputTokens = r.usage.outputTokens;
    } else {
      const r =
        kind === 'image'
          ? await generateText({
              ...common,
              messages: [
                {
                  role: 'user',
                  content: [
                    { type: 'text', text: IMAGE_PROMPT },
                    { type: 'file', mediaType: 'image/png', data: IMAGE_URL },
                  ],
                },
              ],
              experimental_download: passThroughImageUrls,
            })
          : await generateText({ ...common, prompt: TEXT_PROMPT });
      throwIfErrorFinish(r, model);
      text = r.text;
      outputTokens = r.usage.outputTokens;
      if (text.trim() === '') throw new ClassifiedAttemptError({ reason: 'invalid_output', status: 200, message: `${model} returned empty text (finish reason ${r.finishReason})` });
    }
    return { ok: true, latencyMs: performance.now() - started, outputTokens, sample: text.replace(/\s+/g, ' ').slice(0, 80) };
  } catch (e) {
    const latencyMs = performance.now() - started;
    const failure = ClassifiedAttemptError.isInstance(e) ? e.failure : classifyFailure(e, { callerSignal: runSignal, expectJson: kind === 'json', secrets: input.secrets });
    return { ok: false, latencyMs, failure };
  }
}
