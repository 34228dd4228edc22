import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const src = (pkg: string) => fileURLToPath(new URL(`./packages/${pkg}/src/index.ts`, import.meta.url));

// Tests run against the TypeScript sources, so `bun run test` needs no build step first.
export default defineConfig({
  resolve: {
    alias: {
      '@freepool/free-model-pool': src('free-model-pool'),
      '@freepool/openrouter-simulator': src('openrouter-simulator'),
      '@freepool/plugin-openrouter': src('plugin-openrouter'),
    },
  },
  test: {
    include: ['packages/*/test/**/*.test.ts', 'scripts/test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
