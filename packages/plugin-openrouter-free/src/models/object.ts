import type { ObjectGenerationParams } from '@elizaos/core';
import { PoolConfigError, type ObjectOutput, type ObjectRequest, type Tier } from '@freepool/free-model-pool';
import type { ServedBy } from '../model-types.js';
import { pooledHandler, type CallContext } from './pooled-handler.js';

/**
 * ElizaOS's object params to the engine's request. `output` defaults from the schema: an array
 * schema means 'array' (plugin-bootstrap sends that), any other schema 'object', none 'no-schema'.
 */
export function toObjectRequest(tier: Tier, modelType: string, params: ObjectGenerationParams): ObjectRequest {
  if (!params || typeof params.prompt !== 'string' || params.prompt.trim() === '') {
    throw new TypeError(`${modelType} needs params.prompt: a non-empty string`);
  }
  // A schema given as text (or an array) would be dropped and the answer could be any JSON at all.
  if (params.schema !== undefined && params.schema !== null && !isRecord(params.schema)) {
    const given = Array.isArray(params.schema) ? 'an array' : `a ${typeof params.schema}`;
    throw new PoolConfigError('schema', `${modelType}: params.schema must be a JSON schema object such as {"type":"object","properties":{…}}, got ${given}`);
  }
  const schema = isRecord(params.schema) ? (params.schema as Record<string, unknown>) : undefined;
  const output: ObjectOutput = params.output ?? (schema ? (schema.type === 'array' ? 'array' : 'object') : 'no-schema');
  if (!['object', 'array', 'enum', 'no-schema'].includes(output)) {
    throw new PoolConfigError('output', `${modelType}: params.output must be 'object', 'array' or 'enum', got "${String(output)}"`);
  }
  let enumValues = params.enumValues;
  if (output === 'enum' && !enumValues?.length && Array.isArray(schema?.enum)) enumValues = schema.enum.map(String);
  if (output === 'enum' && !enumValues?.length) {
    throw new PoolConfigError('enumValues', `${modelType}: output 'enum' needs params.enumValues, a non-empty array of strings`);
  }
  return {
    tier,
    prompt: params.prompt,
    schema,
    output,
    enumValues: output === 'enum' ? enumValues : undefined,
    temperature: params.temperature,
    stopSequences: params.stopSequences?.length ? params.stopSequences : undefined,
  };
}

function isRecord(v: unknown): boolean {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Object model types: the parsed value (ElizaOS types it as a record, but 'array' and 'enum' callers get what they asked for). */
export const objectHandler = pooledHandler({
  request: (_runtime, params: ObjectGenerationParams, { modelType, tier, priority, reasoningEffort }: CallContext<ServedBy<'object'>>) => ({
    ...toObjectRequest(tier, modelType, params),
    priority,
    reasoningEffort,
  }),
  call: (pool, request) => pool.generateObject(request),
  answer: (result) => result.object as Record<string, unknown>,
  usage: (result) => result.usage,
});
