import { ModelType, type IAgentRuntime, type TextEmbeddingParams } from '@elizaos/core';
import { attributionHeaders, redactSecrets } from '@freepool/free-model-pool';
import { emitModelUsed } from '../events.js';
import { ensurePoolEntry, missingKeyError } from '../pool-entry.js';
import { LOG_SOURCE } from '../logging.js';

/** Longest time one embedding call may take before it fails. */
export const EMBEDDING_TIMEOUT_MS = 60_000;

/**
 * TEXT_EMBEDDING, registered only when OPENROUTER_EMBEDDING_MODEL is set: no embedding model is
 * free, so this is a plain paid call to `{baseURL}/embeddings`, outside the free-model pool. ElizaOS
 * probes with `null` (and `{text: ''}`) to learn the vector size: those get a zero vector, no call.
 */
export async function handleTextEmbedding(
  runtime: IAgentRuntime,
  params: TextEmbeddingParams | string | null,
): Promise<number[]> {
  const { settings } = await ensurePoolEntry(runtime);
  const dimensions = settings.embeddingDimensions;
  const text = typeof params === 'string' ? params : params?.text;
  if (typeof text !== 'string' || text.trim() === '') return new Array<number>(dimensions).fill(0);
  if (!settings.apiKey) throw missingKeyError(ModelType.TEXT_EMBEDDING);
  const model = settings.embeddingModel;
  if (!model) throw new Error('TEXT_EMBEDDING needs OPENROUTER_EMBEDDING_MODEL (no embedding model is free)');

  const headers: Record<string, string> = {
    'content-type': 'application/json',
    authorization: `Bearer ${settings.apiKey}`,
    ...attributionHeaders({ baseURL: settings.baseURL, httpReferer: settings.httpReferer, appTitle: settings.appTitle }),
  };

  const fail = (message: string): never => {
    const error = new Error(redactSecrets(`TEXT_EMBEDDING with ${model} failed: ${message}`, [settings.apiKey]));
    runtime.logger.warn({ src: LOG_SOURCE, modelType: ModelType.TEXT_EMBEDDING, model }, error.message);
    throw error;
  };

  let response: Response;
  try {
    response = await fetch(`${settings.baseURL}/embeddings`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ model, input: text }),
      signal: AbortSignal.timeout(EMBEDDING_TIMEOUT_MS),
    });
  } catch (error) {
    return fail(error instanceof Error ? error.message : String(error));
  }
  const body = await response.text();
  if (!response.ok) return fail(`HTTP ${response.status}: ${body.slice(0, 300)}`);
  let json: { data?: Array<{ embedding?: unknown }>; usage?: { prompt_tokens?: number; total_tokens?: number }; error?: { message?: string } };
  try {
    json = JSON.parse(body) as typeof json;
  } catch {
    return fail(`the answer is not JSON: ${body.slice(0, 200)}`);
  }
  const embedding = json.data?.[0]?.embedding;
  if (!Array.isArray(embedding) || !embedding.every((x) => typeof x === 'number')) {
    return fail(json.error?.message ?? 'the answer has no data[0].embedding array of numbers');
  }
  if (embedding.length !== dimensions) {
    runtime.logger.warn(
      { src: LOG_SOURCE, model },
      `${model} returned ${embedding.length} dimensions, OPENROUTER_EMBEDDING_DIMENSIONS says ${dimensions}; set it to ${embedding.length}`,
    );
  }
  runtime.logger.debug({ src: LOG_SOURCE, modelType: ModelType.TEXT_EMBEDDING, model }, `TEXT_EMBEDDING served by ${model}`);
  const promptTokens = json.usage?.prompt_tokens ?? 0;
  await emitModelUsed(runtime, ModelType.TEXT_EMBEDDING, text, {
    inputTokens: promptTokens,
    outputTokens: 0,
    totalTokens: json.usage?.total_tokens ?? promptTokens,
  });
  return embedding as number[];
}
