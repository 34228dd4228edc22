import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { SETTING_KEYS } from '../src/config.js';
import { AGENT_POSTGRES_SETTING } from '../src/state/shared-state.js';

const read = (path: string) => readFileSync(fileURLToPath(new URL(path, import.meta.url)), 'utf8');

describe('every setting the plugin reads is documented where users look', () => {
  it('package.json agentConfig, .env.example and docs/configuration.md list exactly the settings the parser reads', () => {
    const parameters = JSON.parse(read('../package.json')).agentConfig.pluginParameters as Record<string, Record<string, unknown>>;
    // Every setting the plugin reads: its own, and plugin-sql's POSTGRES_URL, whose database it shares state in.
    expect(Object.keys(parameters).sort()).toEqual([...SETTING_KEYS, AGENT_POSTGRES_SETTING].sort());
    // Complete entries: `elizaos plugins add` prompts with the description and treats a missing `required` as true.
    for (const [key, p] of Object.entries(parameters)) {
      expect(Object.keys(p), key).toEqual(expect.arrayContaining(['type', 'description', 'required', 'sensitive']));
      expect(p.required, key).toBe(key === 'OPENROUTER_API_KEY');
      expect(p.sensitive, key).toBe(/API_KEY|STATE_URL|POSTGRES_URL/.test(key));
    }
    const envExample = read('../../../.env.example');
    const docs = read('../../../docs/configuration.md');
    for (const key of SETTING_KEYS) {
      expect(envExample, `.env.example lacks ${key}`).toMatch(new RegExp(`(^|[\\s(#])${key}\\b`, 'm'));
      expect(docs, `docs/configuration.md lacks ${key}`).toContain(`\`${key}\``);
    }
  });
});
