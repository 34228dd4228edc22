import { PoolConfigError } from '../errors.js';
import { DEFAULT_POLICY, type PoolDefinition, type PoolPolicy } from '../settings.js';
import { REASONING_EFFORTS, TIERS, type EffortSetting, type Tier } from '../types.js';
import { countsAsFreeCall } from './runtime.js';

/**
 * An OpenRouter model id, `vendor/model[:variant]` (or a `~vendor/x-latest` alias): the one
 * definition the engine and the plugin's settings both check against. Every id of the three real
 * catalog snapshots fits it.
 */
export const MODEL_ID_PATTERN = /^~?[A-Za-z0-9][A-Za-z0-9._-]*\/[A-Za-z0-9][A-Za-z0-9._~-]*(?::[A-Za-z0-9._-]+)?$/;

export function isModelId(id: string): boolean {
  return MODEL_ID_PATTERN.test(id);
}

/** Checks a pool definition's shape: every tier a list of model ids, `models` an object. */
export function validatePoolDefinition(pool: PoolDefinition, opts: { allowPaidModels?: boolean } = {}): PoolDefinition {
  if (!pool || typeof pool !== 'object' || !pool.tiers || typeof pool.tiers !== 'object') {
    throw new PoolConfigError('pool', 'pool must be {tiers: {small, large, vision}, models}');
  }
  for (const tier of TIERS) {
    const ids = pool.tiers[tier];
    if (!Array.isArray(ids) || !ids.every((id) => typeof id === 'string' && id.trim() !== '')) {
      throw new PoolConfigError(`pool.tiers.${tier}`, `pool.tiers.${tier} must be a list of model ids such as "google/gemma-3-27b-it:free"`);
    }
    // A malformed id costs a call the server refuses; one with stray whitespace would not even count
    // as a free call (no ":free" at the end), so it would bypass the pacer and the daily cap.
    const bad = ids.find((id) => !isModelId(id));
    if (bad !== undefined) {
      throw new PoolConfigError(
        `pool.tiers.${tier}`,
        `pool.tiers.${tier} has ${JSON.stringify(bad)}, which is not an OpenRouter model id: expected vendor/model[:variant] without spaces, such as "google/gemma-3-27b-it:free"`,
      );
    }
    // The pool's promise is $0: a model that is not a free variant costs money, so it is refused
    // unless the caller said, in one explicit option, that paid models are wanted.
    const paid = opts.allowPaidModels ? undefined : ids.find((id) => !countsAsFreeCall(id));
    if (paid !== undefined) {
      throw new PoolConfigError(
        `pool.tiers.${tier}`,
        `pool.tiers.${tier} has ${JSON.stringify(paid)}, which is not a free model (free ids end in ":free", or are "openrouter/free"): calling it would cost money. ` +
          'To use paid models on purpose, pass allowPaidModels: true (the plugin setting OPENROUTER_ALLOW_PAID=true).',
      );
    }
  }
  if (pool.models !== undefined && (typeof pool.models !== 'object' || pool.models === null)) {
    throw new PoolConfigError('pool.models', 'pool.models must be an object of model capabilities keyed by id');
  }
  return { tiers: { ...pool.tiers }, models: { ...(pool.models ?? {}) } };
}

/** Merges overrides onto DEFAULT_POLICY, rejecting values that would make the loop misbehave. */
export function resolvePolicy(overrides: Partial<PoolPolicy> = {}): Readonly<PoolPolicy> {
  const defined = Object.fromEntries(Object.entries(overrides).filter(([, v]) => v !== undefined)) as Partial<PoolPolicy>;
  const policy: PoolPolicy = {
    ...DEFAULT_POLICY,
    ...defined,
    cooldownLadderMs: [...(defined.cooldownLadderMs ?? DEFAULT_POLICY.cooldownLadderMs)],
    // A tier the overrides do not name keeps its default effort.
    reasoningEffort: { ...DEFAULT_POLICY.reasoningEffort, ...defined.reasoningEffort },
  };
  const positive: Array<keyof PoolPolicy> = [
    'freeRequestsPerWindow',
    'rateWindowMs',
    'attemptTimeoutMs',
    'firstChunkTimeoutMs',
    'requestDeadlineMs',
    'maxAttempts',
    'modelCapacityRaiseWindows',
    'maxImageBytes',
    'recoveryProbeIntervalMs',
    'latencyMemoryMs',
  ];
  for (const key of positive) {
    const v = policy[key];
    if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) {
      throw new PoolConfigError(`policy.${key}`, `policy.${key} must be a positive number, got ${JSON.stringify(v)}`);
    }
  }
  for (const key of ['replyPatienceMs', 'slowMarginMs'] as const) {
    if (!(Number.isFinite(policy[key]) && policy[key] >= 0)) {
      throw new PoolConfigError(`policy.${key}`, `policy.${key} must be 0 or more milliseconds, got ${policy[key]}`);
    }
  }
  if (!(Number.isFinite(policy.slowFactor) && policy.slowFactor >= 1)) {
    throw new PoolConfigError('policy.slowFactor', `policy.slowFactor must be a number of at least 1, got ${policy.slowFactor}`);
  }
  if (!(Number.isFinite(policy.maxWaitMs) && policy.maxWaitMs >= 0)) {
    throw new PoolConfigError('policy.maxWaitMs', `policy.maxWaitMs must be 0 or more milliseconds, got ${policy.maxWaitMs}`);
  }
  const margin = policy.accountClockMarginMs;
  if (margin !== undefined && !(Number.isFinite(margin) && margin >= 0 && margin * 4 < policy.rateWindowMs)) {
    throw new PoolConfigError(
      'policy.accountClockMarginMs',
      `policy.accountClockMarginMs must be 0 or more milliseconds and under a quarter of rateWindowMs (${policy.rateWindowMs}), got ${margin}`,
    );
  }
  if (!(policy.cooldownJitter >= 0 && policy.cooldownJitter <= 1)) {
    throw new PoolConfigError('policy.cooldownJitter', `policy.cooldownJitter must be between 0 and 1, got ${policy.cooldownJitter}`);
  }
  if (policy.cooldownLadderMs.length === 0 || !policy.cooldownLadderMs.every((v) => Number.isFinite(v) && v >= 0)) {
    throw new PoolConfigError('policy.cooldownLadderMs', 'policy.cooldownLadderMs must be a non-empty list of durations in ms');
  }
  if (policy.dailyLimit !== undefined && !(Number.isInteger(policy.dailyLimit) && policy.dailyLimit >= 0)) {
    throw new PoolConfigError('policy.dailyLimit', `policy.dailyLimit must be a whole number, got ${policy.dailyLimit}`);
  }
  if (policy.dailyReserve !== undefined && !(Number.isInteger(policy.dailyReserve) && policy.dailyReserve >= 0)) {
    throw new PoolConfigError('policy.dailyReserve', `policy.dailyReserve must be a whole number of calls (0 turns it off), got ${policy.dailyReserve}`);
  }
  if (!(Number.isFinite(policy.dailyReserveShare) && policy.dailyReserveShare >= 0 && policy.dailyReserveShare < 1)) {
    throw new PoolConfigError('policy.dailyReserveShare', `policy.dailyReserveShare must be at least 0 and below 1, got ${policy.dailyReserveShare}`);
  }
  for (const [tier, effort] of Object.entries(policy.reasoningEffort ?? {})) {
    if (!TIERS.includes(tier as Tier) || !isEffortSetting(effort)) {
      throw new PoolConfigError(
        'policy.reasoningEffort',
        `policy.reasoningEffort must map tiers (${TIERS.join(', ')}) to an effort (${REASONING_EFFORTS.join(', ')}) or "default", got ${JSON.stringify({ [tier]: effort })}`,
      );
    }
  }
  for (const [from, to] of Object.entries(policy.tierFallback ?? {})) {
    if (!TIERS.includes(from as Tier) || !Array.isArray(to) || !to.every((t) => TIERS.includes(t))) {
      throw new PoolConfigError('policy.tierFallback', `policy.tierFallback must map tiers to lists of tiers (${TIERS.join(', ')}), got ${JSON.stringify({ [from]: to })}`);
    }
    // An image request needs a model that takes images: only the vision tier is sure to have one.
    if (from === 'vision' && to.some((t) => t !== 'vision')) {
      throw new PoolConfigError('policy.tierFallback', 'policy.tierFallback: the vision tier can fall back only to vision models');
    }
  }
  return Object.freeze(policy);
}

export function isEffortSetting(v: unknown): v is EffortSetting {
  return v === 'default' || (REASONING_EFFORTS as readonly unknown[]).includes(v);
}
