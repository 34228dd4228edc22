import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url)).replace(/\/$/, '');
export const SHARED_DIR = `${REPO_ROOT}/../shared/fixtures/openrouter-catalog`;
export const NEWEST_SNAPSHOT = `${SHARED_DIR}/models-2026-05-01.json`;
export const SNAPSHOTS = ['models-2025-05-23.json', 'models-2026-02-27.json', 'models-2026-05-01.json'];
export const snapshotsPresent = SNAPSHOTS.every((f) => existsSync(`${SHARED_DIR}/${f}`));
if (!snapshotsPresent) console.warn(`catalog snapshots not found in ${SHARED_DIR}: the real-snapshot script tests are skipped`);

export const FAKE_KEY = 'sk-or-v1-FAKE-test-key-0000';
export const BUN = `${REPO_ROOT}/node_modules/.bin/bun`;

export function tempDir(prefix: string): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), `${prefix}-`));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export interface ChildResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs `bun scripts/<script> …args` as a child process; `onStderr` can react to progress (e.g. send SIGINT). */
export function runScript(
  script: string,
  args: string[],
  env: Record<string, string | undefined>,
  onStderr?: (text: string, child: ReturnType<typeof spawn>) => void,
): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    const clean: Record<string, string> = {};
    for (const [k, v] of Object.entries({ PATH: process.env.PATH, HOME: process.env.HOME, ...env })) if (v !== undefined) clean[k] = v;
    const child = spawn(BUN, [`scripts/${script}`, ...args], { cwd: REPO_ROOT, env: clean });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => {
      stderr += d;
      onStderr?.(stderr, child);
    });
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}
