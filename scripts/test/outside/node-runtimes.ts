/**
 * The Node versions the outside-project test runs on: this machine's, and the newest LTS (Node 24),
 * which the npm package `node` ships through the registry (`npx -y node@24`). Each is used by putting
 * its binary first on PATH, so npm, npx and every `#!/usr/bin/env node` script run under it.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';

export interface NodeRuntime {
  /** e.g. `machine` or `node@24`. */
  label: string;
  /** e.g. `v24.21.0`. */
  version: string;
  /** The folder of its `node` binary, put first on PATH. */
  binDir: string;
}

/** The newest Node LTS line; `npx -y node@24` fetches its binary from the npm registry. */
export const NEWEST_LTS = 24;

export function machineNode(): NodeRuntime {
  return { label: 'machine', version: process.version, binDir: path.dirname(process.execPath) };
}

/** Node `major` through `npx -y node@<major>`; throws with npx's output when it cannot be had. */
export function npmNode(major: number): NodeRuntime {
  const r = spawnSync('npx', ['-y', `node@${major}`, '-p', 'process.execPath + " " + process.version'], { encoding: 'utf8', timeout: 600_000 });
  const [execPath, version] = (r.stdout ?? '').trim().split('\n').at(-1)?.split(' ') ?? [];
  if (r.status !== 0 || !execPath || !version?.startsWith(`v${major}.`)) {
    throw new Error(`could not get Node ${major} through \`npx -y node@${major}\` (exit ${r.status}):\n${r.stdout}\n${r.stderr}`);
  }
  return { label: `node@${major}`, version, binDir: path.dirname(execPath) };
}

/** PATH with `runtime`'s node first. */
export function pathWith(runtime: NodeRuntime, base = process.env.PATH ?? ''): string {
  return `${runtime.binDir}${path.delimiter}${base}`;
}
