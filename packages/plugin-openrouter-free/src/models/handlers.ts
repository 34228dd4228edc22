import type { IAgentRuntime, Plugin } from '@elizaos/core';
import { SERVED_MODEL_TYPES, SERVED_TYPES, type HandlerKind, type ServedBy, type ServedModelType } from '../model-types.js';
import { imageHandler } from './image.js';
import { objectHandler } from './object.js';
import { textHandler } from './text.js';

/** A model handler as ElizaOS registers it. */
export type ModelHandler = (runtime: IAgentRuntime, params: never) => Promise<unknown>;

/** The handler of each kind, made for one model type of the table. */
const HANDLERS: { [K in HandlerKind]: (modelType: ServedBy<K>) => ModelHandler } = {
  text: textHandler,
  object: objectHandler,
  image: imageHandler,
};

/** The plugin's `models`: a handler for every row of SERVED_MODEL_TYPES. */
export function servedModels(): NonNullable<Plugin['models']> {
  // Each row's kind matches its type by construction of the table; TypeScript cannot follow that through a lookup.
  const made = (type: ServedModelType) => (HANDLERS[SERVED_MODEL_TYPES[type].handler] as (modelType: ServedModelType) => ModelHandler)(type);
  return Object.fromEntries(SERVED_TYPES.map((type) => [type, made(type)])) as NonNullable<Plugin['models']>;
}
