import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('../../../../', import.meta.url)).replace(/\/$/, '');
export const SHARED_DIR = `${REPO_ROOT}/../shared/fixtures/openrouter-catalog`;
export const SNAPSHOTS = ['models-2025-05-23.json', 'models-2026-02-27.json', 'models-2026-05-01.json'] as const;
export const SIMULATOR_CATALOG = `${REPO_ROOT}/packages/openrouter-simulator/fixtures/catalog.json`;

export const snapshotsPresent = SNAPSHOTS.every((f) => existsSync(`${SHARED_DIR}/${f}`));
if (!snapshotsPresent) {
  console.warn(`catalog snapshots not found in ${SHARED_DIR}: the real-snapshot tests are skipped`);
}

export function readJson(path: string): unknown {
  return JSON.parse(readFileSync(path, 'utf8'));
}

/** The date a snapshot was taken (from its name), as epoch ms. */
export function snapshotDate(file: string): number {
  return Date.parse(file.slice('models-'.length, 'models-'.length + 10));
}

/** A minimal valid catalog entry in the API's wire format, with overrides. */
export function entry(id: string, over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id,
    name: id,
    created: 1_740_000_000,
    context_length: 32_768,
    architecture: { input_modalities: ['text'], output_modalities: ['text'], tokenizer: 'Other' },
    pricing: { prompt: '0', completion: '0' },
    top_provider: { context_length: 32_768, max_completion_tokens: null, is_moderated: false },
    supported_parameters: ['max_tokens', 'temperature'],
    expiration_date: null,
    ...over,
  };
}
