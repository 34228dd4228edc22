import type { CapacityPolicy } from '../limits/model-capacity.js';
import { expectedFirstTokenMs, isSlow, type LatencyPolicy } from '../limits/model-latency.js';
import type { Attempt, ModelHealth, PoolModel, RequestNeeds } from '../types.js';
import { notCallable, skipLine } from './readiness.js';

/**
 * Tokens kept free for the answer when checking a prompt against a model's context window. A model
 * whose window holds the prompt but not this many more tokens would cut the answer off.
 */
export const CONTEXT_OUTPUT_MARGIN_TOKENS = 256;
/** Below this exponentially weighted success rate a model is tried after the healthy ones. */
export const DEMOTE_SUCCESS_RATE = 0.5;

export interface CandidateInput {
  /** The tier's ids in pool order. */
  ids: readonly string[];
  /** Capabilities by id (PoolDefinition.models). */
  models: Readonly<Record<string, PoolModel>>;
  health: (modelId: string) => ModelHealth | undefined;
  now: number;
  needs: RequestNeeds;
  /**
   * Treat ids without a catalog entry as vision-capable. Used for the vision tier, where a user who
   * pins an uncatalogued model clearly means it to take images.
   */
  assumeUnknownVision?: boolean;
  outputMarginTokens?: number;
  /**
   * Apply learned upstream capacities (limits/model-capacity.ts): a model that used its capacity in
   * the current window is skipped without a call, as long as another model can serve. Off when absent.
   */
  capacity?: CapacityPolicy;
  /**
   * A model kept behind the healthy ones by its record (recent failures, a low success rate) but
   * no longer cooling is put back in its pool place for one request at most this often, so it can
   * show it recovered. Off when absent.
   */
  recoveryProbeIntervalMs?: number;
  /**
   * Order by speed (limits/model-latency.ts): among models whose record is otherwise equal, one whose
   * expected time to its first answer token is well above the fastest candidate's goes after the
   * others (the slowest last). For reply-path requests: a person waits for them. Off when absent.
   */
  latency?: LatencyPolicy;
}

export interface CandidateSelection {
  /** Models that can serve, best first. */
  candidates: string[];
  /** Models left out without a call, with the reason, in pool order. */
  skipped: Attempt[];
  /**
   * True when every model that could serve had used its learned capacity: they are the candidates
   * then (soonest to free first), and the run loop must not skip them for capacity again.
   */
  capacityFallback?: boolean;
  /** With `capacityFallback`: when the first of them has capacity again (its learned window slides). */
  capacityFreesAt?: number;
  /** Candidates placed by a recovery probe: a success restores their standing (model-outcome.ts). */
  probes?: ReadonlySet<string>;
}

/** Why a model cannot take this request at all (its capabilities do not fit), or undefined when it can. */
function misfit(input: CandidateInput, id: string): Attempt | undefined {
  const model = input.models[id];
  const vision = model ? model.vision : input.assumeUnknownVision === true;
  if (input.needs.image && !vision) return skipLine(id, 'unsupported_input', 'does not accept image input');
  const prompt = input.needs.promptTokens ?? 0;
  const margin = input.outputMarginTokens ?? CONTEXT_OUTPUT_MARGIN_TOKENS;
  if (model && model.contextLength > 0 && prompt > 0 && model.contextLength < prompt + margin) {
    return skipLine(id, 'context_too_long', `context of ${model.contextLength} tokens is too small for a ~${prompt}-token prompt`);
  }
  return undefined;
}

/** 0 for healthy models, 1 for models that failed recently or mostly fail: tried after the others. */
function healthRank(health: ModelHealth | undefined): number {
  if (!health) return 0;
  if (health.consecutiveFailures > 0) return 1;
  if (health.successRate !== undefined && health.successRate < DEMOTE_SUCCESS_RATE) return 1;
  return 0;
}

/**
 * For JSON requests: schema-honouring models first, then JSON-mode models, then the rest. For
 * requests that want a reasoning model: those whose catalog entry takes the `reasoning` parameter first.
 */
function capabilityRank(model: PoolModel | undefined, needs: RequestNeeds): number {
  if (needs.structuredOutput) {
    if (model?.structuredOutputs) return 0;
    if (model?.responseFormat) return 1;
    return 2;
  }
  if (needs.reasoning) return model?.reasoning ? 0 : 1;
  return 0;
}

/**
 * The models of a tier that can serve a request, healthiest first. Pure: reads health through the
 * callback and never writes. Order: healthy before recently failed, then the capability the request
 * prefers (structured output for JSON, reasoning for the reasoning types), then (with `latency`)
 * fast before slow, then pool order. Skipped models are reported so the trail shows them.
 */
export function selectCandidates(input: CandidateInput): CandidateSelection {
  const skipped: Attempt[] = [];
  const ranked: Array<{ id: string; key: number[]; index: number; expected?: number }> = [];
  const full: Array<{ id: string; line: Attempt; index: number }> = [];
  const seen = new Set<string>();
  const probes = new Set<string>();
  input.ids.forEach((id, index) => {
    if (seen.has(id)) return; // a model listed twice is tried once
    seen.add(id);
    const not = notCallable(id, input.health(id), input.now, input.capacity);
    const skip = not && not.why !== 'capacity' ? not.skip : misfit(input, id);
    if (skip) {
      skipped.push(skip);
      return;
    }
    if (not) {
      full.push({ id, line: not.skip, index });
      return;
    }
    const health = input.health(id);
    let rank = healthRank(health);
    if (rank > 0 && probeDue(health, input)) {
      rank = 0;
      probes.add(id);
    }
    const expected = input.latency ? expectedFirstTokenMs(health, input.now, input.latency) : undefined;
    ranked.push({ id, key: [rank, capabilityRank(input.models[id], input.needs)], index, expected });
  });
  // Speed, then pool order: slow models after the fast ones, the slowest last. A model not measured
  // yet is presumed fast, so one slow answer is enough to try the others first.
  const fastest = ranked.length > 0 ? Math.min(...ranked.map((r) => r.expected ?? 0)) : undefined;
  for (const r of ranked) {
    const slow = input.latency !== undefined && isSlow(r.expected, fastest, input.latency);
    r.key.push(slow ? 1 : 0, slow ? r.expected! : 0, r.index);
  }
  ranked.sort((a, b) => compareKeys(a.key, b.key));
  if (ranked.length === 0 && full.length > 0) {
    // A learned capacity is a guess: it never leaves a request without a model to try.
    full.sort((a, b) => a.line.cooldownUntil! - b.line.cooldownUntil! || a.index - b.index);
    return { candidates: full.map((f) => f.id), skipped, capacityFallback: true, capacityFreesAt: full[0]!.line.cooldownUntil! };
  }
  // Listed after the other skips, in pool order.
  for (const f of full) skipped.push(f.line);
  return { candidates: ranked.map((r) => r.id), skipped, ...(probes.size ? { probes } : {}) };
}

function compareKeys(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return 0;
}

/** A demoted model may be probed: it is not cooling (checked before) and was not probed within the interval. */
function probeDue(health: ModelHealth | undefined, input: CandidateInput): boolean {
  if (!health || input.recoveryProbeIntervalMs === undefined) return false;
  return input.now - (health.probedAt ?? 0) >= input.recoveryProbeIntervalMs;
}
