import { ModelType } from '@elizaos/core';
import type { Tier } from '@freepool/free-model-pool';

/**
 * Which reasoning effort a model type asks for (OPENROUTER_REASONING_EFFORT): its tier's, or for the
 * reasoning types their own, higher one.
 */
export type EffortGroup = Tier | 'reasoning_small' | 'reasoning_large';
export const EFFORT_GROUPS: readonly EffortGroup[] = ['small', 'large', 'vision', 'reasoning_small', 'reasoning_large'];

/** How a model type's params become a pool request and its answer: one handler per kind (models/handlers.ts). */
export type HandlerKind = 'text' | 'object' | 'image';

/**
 * The ElizaOS model types this plugin answers from the free pool: the tier each draws from, the
 * handler kind that answers it, and how much its reasoning models are asked to think. The plugin's
 * `models`, the types OPENROUTER_CALL_PRIORITY accepts and the text providers a last resort may come
 * from are all read from this table, so serving another type is one row here (and a handler kind,
 * when none of these fits its params). A `reasoning` row prefers the tier's reasoning models.
 */
export const SERVED_MODEL_TYPES = {
  [ModelType.TEXT_SMALL]: { tier: 'small', handler: 'text', effort: 'small' },
  [ModelType.TEXT_LARGE]: { tier: 'large', handler: 'text', effort: 'large' },
  // ElizaOS 1.7's reasoning types: no core path calls them; plugins and actions may.
  [ModelType.TEXT_REASONING_SMALL]: { tier: 'small', handler: 'text', effort: 'reasoning_small', reasoning: true },
  [ModelType.TEXT_REASONING_LARGE]: { tier: 'large', handler: 'text', effort: 'reasoning_large', reasoning: true },
  // A completion from a prompt: served by the chat models of the large tier, like TEXT_LARGE.
  [ModelType.TEXT_COMPLETION]: { tier: 'large', handler: 'text', effort: 'large' },
  [ModelType.OBJECT_SMALL]: { tier: 'small', handler: 'object', effort: 'small' },
  [ModelType.OBJECT_LARGE]: { tier: 'large', handler: 'object', effort: 'large' },
  [ModelType.IMAGE_DESCRIPTION]: { tier: 'vision', handler: 'image', effort: 'vision' },
} as const satisfies Record<string, { tier: Tier; handler: HandlerKind; effort: EffortGroup; reasoning?: true }>;

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

/** The effort group of `modelType` (OPENROUTER_REASONING_EFFORT). */
export function effortGroupOf(modelType: ServedModelType): EffortGroup {
  return SERVED_MODEL_TYPES[modelType].effort;
}

/** Whether `modelType` prefers the tier's reasoning models. */
export function prefersReasoning(modelType: ServedModelType): boolean {
  return (SERVED_MODEL_TYPES[modelType] as { reasoning?: true }).reasoning === true;
}
