import { mkdirSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runCommand as run, type ChildRun } from './run-command.js';

export type { ChildRun } from './run-command.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const BUN = join(ROOT, 'node_modules', '.bin', 'bun');
/**
 * Left to Node to load, as an installed agent would: the SDKs, the ElizaOS packages (PGlite ships
 * files it loads by path) and their shared dependencies. Everything else is bundled in.
 */
const EXTERNAL = ['@elizaos/*', '@electric-sql/*', 'ai', '@ai-sdk/*', '@openrouter/*', 'zod'];

/**
 * Runs a TypeScript entry as a plain Node process, the way a user's agent runs: no test runner, no
 * `unhandledRejection` handler, Node's default of exiting with code 1 on one. The entry is bundled
 * with bun (workspace sources inlined through tsconfig paths, the packages in EXTERNAL left to
 * Node) into `<package>/.test-output/`, so those resolve from that package's node_modules.
 */
export async function runInNode(entry: string, opts: { packageDir: string; env?: Record<string, string>; timeoutMs?: number }): Promise<ChildRun> {
  const outDir = join(opts.packageDir, '.test-output');
  mkdirSync(outDir, { recursive: true });
  const out = join(outDir, basename(entry).replace(/\.ts$/, '.mjs'));
  const build = await run(BUN, ['build', entry, '--target=node', ...EXTERNAL.map((e) => `--external=${e}`), `--outfile=${out}`], ROOT, {}, 120_000);
  if (build.code !== 0) throw new Error(`bundling ${entry} failed (exit ${build.code}): ${build.stderr || build.stdout}`);
  return run(process.execPath, [out], dirname(out), opts.env ?? {}, opts.timeoutMs ?? 300_000);
}

/** The last line of stdout parsed as JSON: the child's figures. */
export function lastJsonLine<T = Record<string, unknown>>(stdout: string): T {
  const line = stdout.trim().split('\n').at(-1) ?? '';
  return JSON.parse(line) as T;
}
