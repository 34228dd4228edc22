import { REASONING_EFFORTS, type EffortSetting } from '@freepool/free-model-pool';
import { EFFORT_GROUPS, type EffortGroup } from '../model-types.js';
import { clip, textField } from './fields.js';

/**
 * How much each kind of call asks a reasoning model to think, for an agent: deciding whether to
 * respond (TEXT_SMALL) is a yes/no that needs little thought; a reply (TEXT_LARGE) some, and a
 * person waits for it; an image description is seeing, not reasoning; the reasoning types are asked
 * for because a caller wants thought. Sent only to models that take OpenRouter's `reasoning`
 * parameter, fitted to the efforts each accepts.
 */
export const DEFAULT_REASONING_EFFORT: Readonly<Record<EffortGroup, EffortSetting>> = Object.freeze({
  small: 'minimal',
  large: 'low',
  vision: 'low',
  reasoning_small: 'medium',
  reasoning_large: 'high',
});

const VALUES = [...REASONING_EFFORTS, 'default'] as const;
const EXPECTED = `an effort (${VALUES.join(', ')}) for every kind of call, or comma-separated KIND=effort pairs with KIND one of ${EFFORT_GROUPS.join(', ')}`;

function isEffort(v: string): v is EffortSetting {
  return (VALUES as readonly string[]).includes(v);
}

/**
 * `OPENROUTER_REASONING_EFFORT`: one effort for every kind of call (`low`), or `KIND=effort` pairs
 * (`small=none,reasoning_large=max`) over the defaults. `default` sends no `reasoning` parameter.
 */
export const effortMap = textField<Partial<Record<EffortGroup, EffortSetting>>>((s, fail) => {
  const single = s.toLowerCase();
  if (isEffort(single)) return Object.fromEntries(EFFORT_GROUPS.map((g) => [g, single]));
  const out: Partial<Record<EffortGroup, EffortSetting>> = {};
  for (const part of s.split(',').map((p) => p.trim()).filter(Boolean)) {
    const m = /^([a-z_]+)\s*[=:]\s*([a-z]+)$/i.exec(part);
    const group = m?.[1]!.toLowerCase() as EffortGroup | undefined;
    const effort = m?.[2]!.toLowerCase();
    if (!m || !EFFORT_GROUPS.includes(group!) || !isEffort(effort!)) return fail(`expected ${EXPECTED}, got "${clip(part)}"`);
    out[group!] = effort;
  }
  return out;
});
