import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const src = (pkg: string, entry = 'index') => fileURLToPath(new URL(`./packages/${pkg}/src/${entry}.ts`, import.meta.url));

// Tests run against the TypeScript sources, so `bun run test` needs no build step first.
export default defineConfig({
  resolve: {
    // A subpath entry comes before its package: a string alias also matches `<package>/<subpath>`.
    alias: {
      '@freepool/free-model-pool/internal': src('free-model-pool', 'internal'),
      '@freepool/free-model-pool': src('free-model-pool'),
      '@freepool/openrouter-simulator': src('openrouter-simulator'),
      '@freepool/plugin-openrouter-free': src('plugin-openrouter-free'),
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
