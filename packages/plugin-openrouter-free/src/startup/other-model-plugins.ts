import type { IAgentRuntime } from '@elizaos/core';
import { modelRegistry } from '../fallback/next-handler.js';
import { LOG_SOURCE } from '../logging.js';
import { PLUGIN_NAME } from '../plugin-id.js';

/**
 * Other model plugins, named once the agent has started. ElizaOS's project template adds
 * @elizaos/plugin-openrouter to the character whenever OPENROUTER_API_KEY is set, and with both
 * loaded that plugin serves what this one does not (TEXT_EMBEDDING, IMAGE) with its paid default
 * models: against the $0 promise, and silent. So each other model plugin gets one line: which types
 * it registers, which of them this plugin answers instead (it outranks by priority), which it would
 * serve itself and may bill for, and how to keep those free.
 */

/** Packages of model plugins whose runtime name is known, so the line names what to remove. */
const PACKAGES: Readonly<Record<string, string>> = {
  openrouter: '@elizaos/plugin-openrouter',
  openai: '@elizaos/plugin-openai',
  ollama: '@elizaos/plugin-ollama',
};

/** Plugins that call a model server the user runs (Ollama): named, but no bill to warn about. */
const LOCAL = new Set(['ollama']);

/** Types that make no model call (the tokenizers count tokens locally). */
const NO_CALL = new Set(['TEXT_TOKENIZER_ENCODE', 'TEXT_TOKENIZER_DECODE']);

export interface OtherModelPlugin {
  /** The plugin's runtime name, e.g. `openrouter`. */
  name: string;
  /** Every model type it registered. */
  types: string[];
  /** Types this plugin registered too, with a higher priority: this plugin answers them. */
  outranked: string[];
  /** Types it would serve itself, other than the tokenizers. */
  serves: string[];
  level: 'warn' | 'info';
  message: string;
}

/** The other model plugins of `runtime` and the line each gets. Call after every plugin registered. */
export function otherModelPlugins(runtime: IAgentRuntime): OtherModelPlugin[] {
  const ours = new Map<string, number>();
  const others = new Map<string, Map<string, number>>();
  for (const [type, handlers] of modelRegistry(runtime)) {
    for (const h of handlers) {
      if (h.provider === PLUGIN_NAME) ours.set(type, h.priority ?? 0);
      else {
        const types = others.get(h.provider) ?? new Map<string, number>();
        types.set(type, h.priority ?? 0);
        others.set(h.provider, types);
      }
    }
  }
  return [...others.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([name, types]) => describe(name, types, ours));
}

function describe(name: string, types: Map<string, number>, ours: Map<string, number>): OtherModelPlugin {
  const all = [...types.keys()];
  const outranked = all.filter((t) => ours.has(t) && ours.get(t)! > types.get(t)!);
  const serves = all.filter((t) => !outranked.includes(t) && !NO_CALL.has(t));
  const label = PACKAGES[name] ? `${name} (${PACKAGES[name]})` : name;
  const local = LOCAL.has(name);
  const parts = [`${label} is loaded too and registers ${all.join(', ')}.`];
  if (outranked.length) {
    const priorities = [...new Set(outranked.map((t) => `${ours.get(t)} over ${types.get(t)}`))].join(', ');
    parts.push(`This plugin answers ${outranked.join(', ')} itself, with free models (its priority wins: ${priorities}).`);
  }
  if (serves.length && local) {
    parts.push(`${name} serves ${serves.join(', ')} on the model server it points at.`);
  } else if (serves.length) {
    const them = serves.length === 1 ? 'it' : 'them';
    parts.push(
      `${name} would serve ${serves.join(', ')}, which may cost money` +
        (name === 'openrouter' ? ': its default models for them are paid OpenRouter models.' : '.') +
        ` To keep ${them} free, remove ${PACKAGES[name] ?? name} from the character's plugins` +
        (name === 'openrouter' ? " (ElizaOS's project template adds it in src/character.ts whenever OPENROUTER_API_KEY is set: delete that line)" : '') +
        `: ${consequences(serves)}.`,
    );
  }
  return { name, types: all, outranked, serves, level: serves.length && !local ? 'warn' : 'info', message: parts.join(' ') };
}

/** What removing the other plugin leaves, per type it would have served. */
function consequences(types: string[]): string {
  const said: string[] = [];
  const rest = types.filter((t) => t !== 'TEXT_EMBEDDING' && t !== 'IMAGE');
  if (types.includes('TEXT_EMBEDDING')) {
    said.push('ElizaOS then runs without embeddings (it answers, but does not search its memory by meaning), or make embeddings on your machine with @elizaos/plugin-ollama (OLLAMA_EMBEDDING_MODEL)');
  }
  if (types.includes('IMAGE')) said.push('the agent then generates no images');
  if (rest.length) said.push(`nothing then serves ${rest.join(', ')}`);
  return said.join('; ');
}

/** Logs one line per other model plugin: a warning when it may bill for a type, else info. */
export function nameOtherModelPlugins(runtime: IAgentRuntime): void {
  for (const other of otherModelPlugins(runtime)) {
    const record = { src: LOG_SOURCE, plugin: other.name, serves: other.serves, outranked: other.outranked };
    if (other.level === 'warn') runtime.logger.warn(record, other.message);
    else runtime.logger.info(record, other.message);
  }
}
