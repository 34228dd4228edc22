import { ModelType, type IAgentRuntime, type ModelTypeName, type ObjectGenerationParams } from '@elizaos/core';
import { PoolConfigError, type ObjectOutput, type ObjectRequest, type Tier } from '@freepool/free-model-pool';
import { afterPoolGaveUp } from '../fallback/after-pool.js';
import { callPriority } from '../fallback/call-priority.js';
import { MODEL_TIERS } from '../model-tiers.js';
import { ensurePoolEntry } from '../pool-entry.js';
import { pooledCall } from './pooled-call.js';

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

function handleObject(tier: Tier, modelType: ModelTypeName) {
  return async (runtime: IAgentRuntime, params: ObjectGenerationParams): Promise<Record<string, unknown>> => {
    const { settings } = await ensurePoolEntry(runtime);
    const priority = callPriority(modelType, settings.priorityOverrides);
    const request = { ...toObjectRequest(tier, modelType, params), priority };
    try {
      const value = await pooledCall(runtime, modelType, tier, request.prompt, (pool) => pool.generateObject(request), (r) => r.usage);
      // ElizaOS types the result as a record, but callers asking for 'array' or 'enum' get what they asked for.
      return value.object as Record<string, unknown>;
    } catch (error) {
      return (await afterPoolGaveUp(runtime, modelType, params as unknown as Record<string, unknown>, error, settings, priority)) as Record<string, unknown>;
    }
  };
}

export const handleObjectSmall = handleObject(MODEL_TIERS[ModelType.OBJECT_SMALL], ModelType.OBJECT_SMALL);
export const handleObjectLarge = handleObject(MODEL_TIERS[ModelType.OBJECT_LARGE], ModelType.OBJECT_LARGE);
