import { ModelType } from '@elizaos/core';
import type { Tier } from '@freepool/free-model-pool';

/** How a model type's params become a pool request and its answer: one handler per kind (models/handlers.ts). */
export type HandlerKind = 'text' | 'object' | 'image';

/**
 * The ElizaOS model types this plugin answers from the free pool: the tier each draws from and the
 * handler kind that answers it. The plugin's `models`, the types OPENROUTER_CALL_PRIORITY accepts
 * and the text providers a last resort may come from are all read from this table, so serving
 * another type is one row here (and a handler kind, when none of these fits its params).
 */
export const SERVED_MODEL_TYPES = {
  [ModelType.TEXT_SMALL]: { tier: 'small', handler: 'text' },
  [ModelType.TEXT_LARGE]: { tier: 'large', handler: 'text' },
  [ModelType.OBJECT_SMALL]: { tier: 'small', handler: 'object' },
  [ModelType.OBJECT_LARGE]: { tier: 'large', handler: 'object' },
  [ModelType.IMAGE_DESCRIPTION]: { tier: 'vision', handler: 'image' },
} as const satisfies Record<string, { tier: Tier; handler: HandlerKind }>;

export type ServedModelType = keyof typeof SERVED_MODEL_TYPES;

/** The served model types that the handler kind `K` answers. */
export type ServedBy<K extends HandlerKind> = {
  [T in ServedModelType]: (typeof SERVED_MODEL_TYPES)[T]['handler'] extends K ? T : never;
}[ServedModelType];

/** Every served model type, in the table's order. */
export const SERVED_TYPES = Object.keys(SERVED_MODEL_TYPES) as ServedModelType[];

/** The served model types that the handler kind `kind` answers. */
export function typesServedBy<K extends HandlerKind>(kind: K): Array<ServedBy<K>> {
  return SERVED_TYPES.filter((t) => SERVED_MODEL_TYPES[t].handler === kind) as Array<ServedBy<K>>;
}

/** The pool tier that serves `modelType`. */
export function tierOf(modelType: ServedModelType): Tier {
  return SERVED_MODEL_TYPES[modelType].tier;
}
