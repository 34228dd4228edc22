/**
 * `bun run start` as a child process, the way a person starts the agent: build first (the agent
 * loads the plugin's dist/), then scripts/start-agent.ts, waiting for its "Open the web chat" line.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { BUN, REPO_ROOT } from './helpers.js';

const BUILT = ['free-model-pool', 'openrouter-simulator', 'plugin-openrouter-free'].map((p) => path.join(REPO_ROOT, 'packages', p, 'dist', 'index.js'));

export interface AgentProcess {
  /** http://127.0.0.1:PORT */
  url: string;
  port: number;
  agentId: string;
  output: () => string;
  /** The process itself, for a test that signals it as a person would (Ctrl-C). */
  child: ChildProcess;
  /** Its exit code, once it has exited. */
  exit: Promise<number | null>;
  /** Stops it if it still runs (Ctrl-C, then a kill after 15 s) and removes its data. */
  stop: () => Promise<void>;
}

export interface StartOptions {
  /** How long it may take to print its "Open the web chat" line. */
  readyWithinMs?: number;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

/**
 * Starts an agent with `env` (every other OPENROUTER_ variable removed) under the build lock. The
 * first start of a test file builds, as `bun run start` does: a stale dist/ would test yesterday's plugin.
 */
export async function startAgentProcess(env: Record<string, string>, args: string[] = [], opts: StartOptions = {}): Promise<AgentProcess> {
  const release = await acquireBuildLock();
  try {
    buildOnce();
    return await start(env, args, opts.readyWithinMs ?? 120_000);
  } finally {
    release();
  }
}

let built = false;

function buildOnce(): void {
  if (built && BUILT.every((f) => existsSync(f))) return;
  const build = spawnSync(BUN, ['run', 'build'], { cwd: REPO_ROOT, encoding: 'utf8' });
  if (build.status !== 0 || BUILT.some((f) => !existsSync(f))) {
    throw new Error(`bun run build failed or did not produce ${BUILT.join(', ')}:\n${build.stdout}\n${build.stderr}`);
  }
  built = true;
}

async function start(env: Record<string, string>, args: string[], readyWithinMs: number): Promise<AgentProcess> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'freepool-agent-'));
  const port = await freePort();
  const childEnv: NodeJS.ProcessEnv = { ...process.env, CI: 'true', LOG_LEVEL: 'warn', ...env, SERVER_PORT: String(port), PGLITE_DATA_DIR: dataDir };
  for (const k of Object.keys(childEnv)) if (k.startsWith('OPENROUTER_') && !(k in env)) delete childEnv[k];
  const child: ChildProcess = spawn(BUN, ['scripts/start-agent.ts', ...args], { cwd: REPO_ROOT, env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
  const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGINT');
      const killer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exit;
      clearTimeout(killer);
    }
    rmSync(dataDir, { recursive: true, force: true });
  };
  const started = Date.now();
  const ready = /Open the web chat: (http:\/\/\S+)/;
  while (!ready.test(out)) {
    if (child.exitCode !== null) {
      await stop();
      throw new Error(`start-agent exited early (code ${child.exitCode}):\n${out}`);
    }
    if (Date.now() - started > readyWithinMs) {
      await stop();
      throw new Error(`start-agent did not come up within ${readyWithinMs / 1000} s:\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  const agentId = /agent id ([0-9a-f-]{36})/.exec(out)?.[1];
  if (!agentId) throw new Error(`start-agent did not print the agent id:\n${out}`);
  return { url: ready.exec(out)![1]!, port, agentId, output: () => out, child, exit, stop };
}

const LOCK_DIR = path.join(REPO_ROOT, '.test-output', 'build.lock');

/**
 * Test files that build and start the agent take turns: a build empties dist/ first, which would pull
 * the plugin from under an agent another file is starting. A directory is the lock (mkdir is atomic);
 * one left by a process that died is taken over. Returns the release, which may be called twice.
 */
export async function acquireBuildLock(timeoutMs = 600_000): Promise<() => void> {
  mkdirSync(path.dirname(LOCK_DIR), { recursive: true });
  const started = Date.now();
  for (;;) {
    try {
      mkdirSync(LOCK_DIR);
      writeFileSync(path.join(LOCK_DIR, 'pid'), String(process.pid));
      let held = true;
      return () => {
        if (held) rmSync(LOCK_DIR, { recursive: true, force: true });
        held = false;
      };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    if (!holderAlive()) rmSync(LOCK_DIR, { recursive: true, force: true });
    else if (Date.now() - started > timeoutMs) throw new Error(`waited ${timeoutMs / 1000} s for ${LOCK_DIR}; remove it if no test is running`);
    else await new Promise((r) => setTimeout(r, 250));
  }
}

function holderAlive(): boolean {
  let pid: number;
  try {
    pid = Number(readFileSync(path.join(LOCK_DIR, 'pid'), 'utf8'));
  } catch {
    return true; // just created, pid not written yet
  }
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
