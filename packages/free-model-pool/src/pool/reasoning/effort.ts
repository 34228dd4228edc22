import { REASONING_EFFORTS, type EffortSetting, type ModelReasoning, type ReasoningEffort } from '../../types.js';

const rank = (e: ReasoningEffort) => REASONING_EFFORTS.indexOf(e);

/** `effort` lowered by `steps` levels (`high` → `medium` → `low` → `minimal` → `none`). */
export function lowerEffort(effort: ReasoningEffort, steps: number): ReasoningEffort {
  if (steps <= 0) return effort;
  return REASONING_EFFORTS[Math.min(REASONING_EFFORTS.length - 1, rank(effort) + steps)]!;
}

/**
 * The effort to send a model, or undefined to send no `reasoning` parameter. Nothing is sent to a
 * model the catalog does not list as taking it, or when the setting is `default`. The wanted effort,
 * lowered by `stepsDown`, is fitted to what the model accepts: `none` becomes its lowest effort when
 * reasoning is mandatory (never sent then), and an effort outside its `supported_efforts` becomes the
 * nearest accepted one below it, else the nearest above.
 */
export function effortFor(model: ModelReasoning | undefined, wanted: EffortSetting | undefined, stepsDown = 0): ReasoningEffort | undefined {
  if (!model || wanted === undefined || wanted === 'default') return undefined;
  let effort = lowerEffort(wanted, stepsDown);
  const accepted = (model.efforts ?? []).filter((e) => e !== 'none');
  if (effort === 'none') {
    if (!model.mandatory) return 'none';
    effort = accepted.length > 0 ? accepted[accepted.length - 1]! : 'minimal';
  }
  if (accepted.length === 0 || accepted.includes(effort)) return effort;
  const below = accepted.filter((e) => rank(e) > rank(effort));
  if (below.length > 0) return below[0]!;
  return accepted[accepted.length - 1]!;
}
