import { ModelType } from '@elizaos/core';
import type { Tier } from '@freepool/free-model-pool';

/** Which pool tier serves each ElizaOS model type the plugin answers from the free-model pool. */
export const MODEL_TIERS = {
  [ModelType.TEXT_SMALL]: 'small',
  [ModelType.TEXT_LARGE]: 'large',
  [ModelType.OBJECT_SMALL]: 'small',
  [ModelType.OBJECT_LARGE]: 'large',
  [ModelType.IMAGE_DESCRIPTION]: 'vision',
} as const satisfies Record<string, Tier>;

export type PooledModelType = keyof typeof MODEL_TIERS;
