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
    // ElizaOS logs every migration step at info level; keep test output to warnings and errors.
    // Tests that check log lines wrap the logger's methods, so they see every level regardless.
    env: { LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn' },
  },
});
