import { generateText, jsonSchema, NoObjectGeneratedError, Output } from 'ai';
import type { OpenRouterProvider } from '@openrouter/ai-sdk-provider';
import { PoolConfigError } from '../../errors.js';
import type { PoolModel, ReasoningEffort } from '../../types.js';
import { judgeAnswer, type RawAnswer } from '../answer/index.js';
import { invalidOutput } from '../attempt-error.js';
import type { ReasoningPlan } from '../reasoning/plan.js';
import type { AttemptFn, AttemptNote, AttemptResult } from '../run-types.js';
import type { ObjectOutput, ObjectRequest, ObjectResult } from '../requests.js';
import { KEEP_RESPONSE_BODY, openrouterOptions, rawAnswer, sharedCallOptions, throwIfErrorFinish, toTokenUsage } from './common.js';
import { parseLenientJson, shapeOutput, type OutputShape } from './object-output.js';
import { checkJsonSchema } from './schema-check.js';

type JsonSchemaObject = Record<string, unknown>;

const OUTPUT_KINDS: readonly ObjectOutput[] = ['object', 'array', 'enum', 'no-schema'];

/** Resolves what kind of JSON the caller wants, rejecting contradictory requests before any call. */
export function resolveOutputShape(request: ObjectRequest): OutputShape {
  const schema = request.schema;
  if (schema !== undefined && (typeof schema !== 'object' || schema === null || Array.isArray(schema))) {
    throw new PoolConfigError('schema', 'schema must be a JSON schema object, e.g. {"type":"object","properties":{…}}');
  }
  if (schema !== undefined) checkJsonSchema(schema);
  if (request.output !== undefined && !OUTPUT_KINDS.includes(request.output)) {
    // Caught here, not by the first model: an unknown kind would fail every attempt after its call.
    throw new PoolConfigError('output', `output must be one of ${OUTPUT_KINDS.join(', ')}, got ${JSON.stringify(request.output)}`);
  }
  // enumValues alone mean a choice: without this the answer would be any JSON at all.
  const implied: ObjectOutput | undefined =
    Array.isArray(request.enumValues) && request.enumValues.length > 0 ? 'enum' : undefined;
  let output: ObjectOutput =
    request.output ?? implied ?? (schema ? (schema.type === 'array' ? 'array' : 'object') : 'no-schema');
  if (output === 'enum') {
    const values = request.enumValues ?? (Array.isArray(schema?.enum) ? (schema!.enum as unknown[]) : undefined);
    if (!values || values.length === 0 || !values.every((v) => typeof v === 'string')) {
      throw new PoolConfigError('enumValues', 'output "enum" needs enumValues: a non-empty list of strings');
    }
    return { output, enumValues: values as string[], schema };
  }
  if (output === 'object' && !schema) output = 'no-schema';
  return { output, schema };
}

/** The array's item schema: callers send either the array schema (ElizaOS bootstrap does) or the item schema. */
function itemSchema(schema: JsonSchemaObject | undefined): JsonSchemaObject {
  if (!schema) return {};
  if (schema.type === 'array') return (schema.items as JsonSchemaObject | undefined) ?? {};
  return schema;
}

function outputSpec(shape: OutputShape) {
  switch (shape.output) {
    case 'object':
      return Output.object({ schema: jsonSchema(shape.schema ?? {}) });
    case 'array':
      return Output.array({ element: jsonSchema(itemSchema(shape.schema)) });
    case 'enum':
      return Output.choice({ options: shape.enumValues ?? [] });
    case 'no-schema':
      return Output.json();
  }
}

/**
 * One JSON attempt. Models that honour JSON schemas get `require_parameters` so OpenRouter routes
 * only to providers that do. Others still receive the schema, and when their text does not parse
 * as-is (thinking before it, code fences, a sentence around it) we parse it ourselves after answer
 * hygiene; what still does not fit is `invalid_output`, and the pool rotates.
 */
export function objectAttempt<T>(
  client: OpenRouterProvider,
  request: ObjectRequest,
  shape: OutputShape,
  modelInfo: (modelId: string) => PoolModel | undefined,
  plan: ReasoningPlan,
): AttemptFn<ObjectResult<T>> {
  return async (modelId, signal, note) => {
    const effort = plan.begin(modelId, note);
    try {
      return await objectCall<T>(client, request, shape, modelInfo(modelId)?.structuredOutputs === true, effort, modelId, signal, note);
    } catch (error) {
      throw plan.review(error, note);
    }
  };
}

async function objectCall<T>(
  client: OpenRouterProvider,
  request: ObjectRequest,
  shape: OutputShape,
  structured: boolean,
  effort: ReasoningEffort | undefined,
  modelId: string,
  signal: AbortSignal,
  note: AttemptNote,
): Promise<AttemptResult<ObjectResult<T>>> {
  let raw: RawAnswer;
  let servedBy: string | undefined;
  let usage;
  let parsed: unknown;
  try {
    const result = await generateText({
      // strict: false — strict JSON-schema mode makes OpenAI-style providers reject any schema that
      // does not list every property as required with additionalProperties:false (most ElizaOS
      // schemas). The schema still guides the model; we check the shape ourselves below.
      model: client.chat(modelId, { structuredOutputs: { strict: false } }),
      prompt: request.prompt,
      output: outputSpec(shape),
      ...openrouterOptions(effort, structured ? { provider: { require_parameters: true } } : {}),
      ...sharedCallOptions(request, signal),
      include: KEEP_RESPONSE_BODY,
    });
    throwIfErrorFinish(result, modelId);
    servedBy = result.response.modelId;
    usage = toTokenUsage(result.usage);
    raw = rawAnswer(result);
    try {
      parsed = result.output;
    } catch {
      parsed = undefined; // no output (thinking before the JSON, finish reason "length"): our own parse below
    }
  } catch (e) {
    if (!NoObjectGeneratedError.isInstance(e)) throw e;
    servedBy = e.response?.modelId;
    usage = toTokenUsage(e.usage);
    raw = { text: e.text ?? '', ...(e.finishReason ? { finishReason: e.finishReason } : {}) };
  }
  // The same judgement as text: thinking out, a think-only or overthought answer refused.
  const answer = judgeAnswer(raw, modelId, 'JSON');
  if (answer.withoutOpener) note.thinksWithoutOpener = true;
  const reasoning = answer.reasoning ? { reasoning: answer.reasoning } : {};
  if (parsed !== undefined) {
    const shaped = shapeOutput(parsed, shape);
    if (shaped.ok) return { value: { object: shaped.value as T, usage, ...reasoning }, servedBy, usage, ...reasoning };
  }
  const lenient = parseLenientJson(answer.text);
  if (!lenient.ok) throw invalidOutput(`${modelId} returned text that is not valid JSON`);
  const shaped = shapeOutput(lenient.value, shape);
  if (!shaped.ok) throw invalidOutput(`${modelId} returned JSON of the wrong shape: ${shaped.why}`);
  return { value: { object: shaped.value as T, usage, ...reasoning }, servedBy, usage, ...reasoning };
}
