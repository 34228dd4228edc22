import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { SETTING_KEYS } from '../src/config.js';

const read = (path: string) => readFileSync(fileURLToPath(new URL(path, import.meta.url)), 'utf8');

describe('every setting the plugin reads is documented where users look', () => {
  it('package.json agentConfig, .env.example and docs/configuration.md list exactly the settings the parser reads', () => {
    const agentConfig = Object.keys(JSON.parse(read('../package.json')).agentConfig.pluginParameters).sort();
    expect(agentConfig).toEqual([...SETTING_KEYS].sort());
    const envExample = read('../../../.env.example');
    const docs = read('../../../docs/configuration.md');
    for (const key of SETTING_KEYS) {
      expect(envExample, `.env.example lacks ${key}`).toMatch(new RegExp(`(^|[\\s(#])${key}\\b`, 'm'));
      expect(docs, `docs/configuration.md lacks ${key}`).toContain(`\`${key}\``);
    }
  });
});
