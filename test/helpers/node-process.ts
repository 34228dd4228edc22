import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, symlinkSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawnSync } from 'node:child_process';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const BUN = join(ROOT, 'node_modules', '.bin', 'bun');
/** As in node-child.ts: what Node loads itself (PGlite ships files it loads by path, pg is a CommonJS package). */
const EXTERNAL = ['@elizaos/*', '@electric-sql/*', 'ai', '@ai-sdk/*', '@openrouter/*', 'zod', 'pg'];

/** Bundles a TypeScript entry for Node into `<packageDir>/.test-output/` and returns the bundle's path. */
export function bundleForNode(entry: string, packageDir: string): string {
  const outDir = join(packageDir, '.test-output');
  mkdirSync(outDir, { recursive: true });
  const out = join(outDir, basename(entry).replace(/\.ts$/, '.mjs'));
  const build = spawnSync(BUN, ['build', entry, '--target=node', ...EXTERNAL.map((e) => `--external=${e}`), `--outfile=${out}`], { cwd: ROOT, encoding: 'utf8' });
  if (build.status !== 0) throw new Error(`bundling ${entry} failed (exit ${build.status}): ${build.stderr || build.stdout}`);
  linkWorkspaceDependencies(outDir);
  return out;
}

/**
 * The bundle inlines the workspace packages, so their own dependencies (pg of the plugin, the
 * engine's @ai-sdk/openai-compatible) must resolve from the bundle's folder: linked into its node_modules.
 */
function linkWorkspaceDependencies(outDir: string): void {
  const target = join(outDir, 'node_modules');
  mkdirSync(target, { recursive: true });
  const packages = join(ROOT, 'packages');
  for (const pkg of readdirSync(packages)) {
    const modules = join(packages, pkg, 'node_modules');
    if (!existsSync(modules)) continue;
    for (const name of readdirSync(modules)) {
      const names = name.startsWith('@') ? readdirSync(join(modules, name)).map((n) => `${name}/${n}`) : [name];
      for (const full of names) {
        if (full.startsWith('.') || full.startsWith('@freepool/')) continue;
        const link = join(target, full);
        if (existsSync(link)) continue;
        mkdirSync(join(link, '..'), { recursive: true });
        symlinkSync(join(modules, full), link);
      }
    }
  }
}

/**
 * A plain Node process driven line by line: the test writes commands to its stdin and reads the
 * JSON lines it prints (lines that are not JSON, such as log output, are kept in `output`).
 */
export class NodeProcess {
  readonly child: ChildProcess;
  output = '';
  private readonly replies: unknown[] = [];
  private waiter: (() => void) | undefined;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  constructor(file: string, env: Record<string, string>) {
    this.child = spawn(process.execPath, [file], { cwd: join(file, '..'), env: { ...process.env, ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
    let pending = '';
    this.child.stdout!.on('data', (d: Buffer) => {
      pending += d.toString();
      let nl: number;
      while ((nl = pending.indexOf('\n')) >= 0) {
        const line = pending.slice(0, nl);
        pending = pending.slice(nl + 1);
        this.output += `${line}\n`;
        if (line.startsWith('@@')) {
          this.replies.push(JSON.parse(line.slice(2)));
          this.waiter?.();
        }
      }
    });
    this.child.stderr!.on('data', (d: Buffer) => (this.output += d.toString()));
    this.exited = new Promise((resolve) => this.child.once('exit', (code, signal) => {
      this.waiter?.();
      resolve({ code, signal });
    }));
  }

  /** Sends one command and resolves with the process's next reply. */
  async ask<T>(command: unknown, timeoutMs = 120_000): Promise<T> {
    this.child.stdin!.write(`${JSON.stringify(command)}\n`);
    return this.next<T>(timeoutMs);
  }

  async next<T>(timeoutMs = 120_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    while (this.replies.length === 0) {
      if (this.child.exitCode !== null || this.child.signalCode !== null) throw new Error(`the process exited (${this.child.exitCode ?? this.child.signalCode}):\n${this.output.slice(-4000)}`);
      if (Date.now() > deadline) throw new Error(`no reply within ${timeoutMs} ms:\n${this.output.slice(-4000)}`);
      await new Promise<void>((resolve) => {
        this.waiter = resolve;
        setTimeout(resolve, Math.max(1, deadline - Date.now())).unref();
      });
      this.waiter = undefined;
    }
    return this.replies.shift() as T;
  }

  kill(): void {
    if (this.child.exitCode === null) this.child.kill('SIGKILL');
  }
}
