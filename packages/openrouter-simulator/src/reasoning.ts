/**
 * How a reasoning model thinks before it answers: how much (its behaviour's tokens, scaled by the
 * request's `reasoning.effort` against the catalog's `default_effort`), how long (`thinkMs`, scaled
 * alike), whether the reasoning is returned (`exclude`), and the refusals OpenRouter sends for a
 * `reasoning` parameter a model cannot take. Where the thinking lands in the reply is replies.ts.
 */
import type { CatalogEntry } from './catalog.js';
import { pickLatency, type Random } from './prng.js';
import { REASONING_EFFORTS, type ChatRequest, type ReasoningEffort } from './request.js';
import type { ModelBehavior, ReasoningBehavior } from './scenario.js';
import { wireError, type WireError } from './wire-errors.js';

/** Reasoning tokens of a model whose behaviour does not say. */
export const DEFAULT_REASONING_TOKENS = 64;
/** The effort a model thinks at when neither the request nor the catalog names one. */
export const DEFAULT_EFFORT: ReasoningEffort = 'medium';

/**
 * Share of the most a model would think, per effort. OpenRouter maps efforts to budgets in about
 * these proportions (`minimal` ≈ 10%, `low` ≈ 20%, `medium` ≈ 50%, `high` ≈ 80%).
 */
const EFFORT_SHARE: Record<ReasoningEffort, number> = { none: 0, minimal: 0.1, low: 0.2, medium: 0.5, high: 0.8, xhigh: 0.95, max: 1 };

/** The message OpenRouter answers when a request turns reasoning off for a model that cannot. */
export const MANDATORY_MESSAGE = 'Reasoning is mandatory for this endpoint and cannot be disabled.';

/** What the catalog entry's `reasoning` object says (OpenRouter's `/models` shape). */
export interface CatalogReasoning {
  mandatory: boolean;
  /** Highest first; undefined: every effort is accepted. */
  supportedEfforts?: string[];
  defaultEffort?: string;
}

export function catalogReasoning(entry: CatalogEntry): CatalogReasoning | undefined {
  const r = entry.reasoning as { mandatory?: unknown; supported_efforts?: unknown; default_effort?: unknown } | undefined | null;
  if (!r || typeof r !== 'object') return undefined;
  return {
    mandatory: r.mandatory === true,
    ...(Array.isArray(r.supported_efforts) ? { supportedEfforts: r.supported_efforts.map(String) } : {}),
    ...(typeof r.default_effort === 'string' ? { defaultEffort: r.default_effort } : {}),
  };
}

/** The thinking of one reply: its text, whether it is returned, and how long it takes. */
export interface Thought {
  style: ReasoningBehavior['style'];
  tag: string;
  text: string;
  tokens: number;
  /** False when the request asked `exclude: true`: the field styles then return no reasoning. */
  returned: boolean;
  thinkMs: number;
  details: boolean;
}

/**
 * OpenRouter's own refusal of the request's `reasoning` parameter, before any quota is spent:
 * reasoning turned off for a model whose catalog entry says it is mandatory, or an effort outside
 * its `supported_efforts`.
 */
export function gatewayRefusal(model: string, entry: CatalogEntry, req: ChatRequest): WireError | undefined {
  const asked = req.reasoning;
  if (!asked) return undefined;
  const facts = catalogReasoning(entry);
  const off = asked.enabled === false || asked.effort === 'none';
  if (off && facts?.mandatory) return wireError(400, MANDATORY_MESSAGE);
  if (asked.effort && !off && facts?.supportedEfforts && !facts.supportedEfforts.includes(asked.effort)) {
    return wireError(400, `Reasoning effort "${asked.effort}" is not supported by ${model}. Supported efforts: ${facts.supportedEfforts.join(', ')}.`);
  }
  return undefined;
}

/** A provider that does not know the `reasoning` parameter (`rejectsParameter`), relayed by OpenRouter. */
export function providerRefusal(behavior: ModelBehavior, req: ChatRequest, provider: string): WireError | undefined {
  if (!req.reasoning || !behavior.reasoning?.rejectsParameter) return undefined;
  return wireError(400, 'Provider returned error', {
    raw: '{"error":{"message":"Unrecognized request argument supplied: reasoning"}}',
    provider_name: provider,
    is_byok: false,
  });
}

/** How this model thinks for this request, or undefined when it does not think. */
export function planThought(model: string, entry: CatalogEntry, behavior: ModelBehavior, req: ChatRequest, random: Random): Thought | undefined {
  const r = behavior.reasoning;
  if (!r) return undefined;
  const asked = req.reasoning;
  const facts = catalogReasoning(entry);
  const off = (asked?.enabled === false || asked?.effort === 'none') && !facts?.mandatory;
  const scale = off ? 0 : effortScale(asked?.effort, facts?.defaultEffort);
  let tokens = Math.round((r.tokens ?? DEFAULT_REASONING_TOKENS) * scale);
  if (asked?.maxTokens !== undefined) tokens = Math.min(tokens, asked.maxTokens);
  const thinkMs = Math.round(pickLatency(random, r.thinkMs) * scale);
  if (tokens <= 0) return undefined;
  return {
    style: r.style,
    tag: r.tag ?? 'think',
    text: thoughtText(r.text ?? defaultThought(model, req), tokens),
    tokens,
    returned: asked?.exclude !== true,
    thinkMs,
    details: r.details !== false,
  };
}

/** The asked effort's share over the default effort's (1 when nothing was asked). */
function effortScale(asked: ReasoningEffort | undefined, catalogDefault: string | undefined): number {
  const base = EFFORT_SHARE[isEffort(catalogDefault) ? catalogDefault : DEFAULT_EFFORT];
  if (!asked) return 1;
  return base > 0 ? EFFORT_SHARE[asked] / base : 1;
}

function isEffort(v: string | undefined): v is ReasoningEffort {
  return (REASONING_EFFORTS as readonly string[]).includes(v ?? '');
}

/**
 * The default thinking: it names the model and the prompt, and for a prompt that asks for ElizaOS's
 * `<response>` XML it drafts one, as real reasoning models do, so a client that passes the thinking
 * on as the answer is caught by what the person would read.
 */
function defaultThought(model: string, req: ChatRequest): string {
  const echo = req.lastUserText.replace(/<[^>]*>/g, ' ').replace(/\s+/g, ' ').trim().slice(0, 40);
  const draft = /<response>/.test(req.instructionText) ? ' A first draft: <response><text>Reasoning draft, not the answer.</text></response>.' : '';
  return `Reasoning of ${model}.${draft} The person wrote "${echo}". Weighing what to say, step by step.`;
}

/** The thinking cut or repeated to about `tokens` tokens (4 characters each), ending on a word. */
function thoughtText(base: string, tokens: number): string {
  const chars = tokens * 4;
  let text = base;
  while (text.length < chars) text += ' Weighing what to say, step by step.';
  if (text.length <= chars) return text;
  const cut = text.slice(0, chars);
  const space = cut.lastIndexOf(' ');
  return space > chars / 2 ? cut.slice(0, space) : cut;
}
