/**
 * A user's ElizaOS project outside this repository, in the CLI's project shape (@elizaos/cli,
 * @elizaos/core, @elizaos/plugin-sql, @elizaos/plugin-bootstrap, and the plugin's tarball), set up
 * with exactly the shell commands of the README's "Install" section (INSTALL_COMMANDS; a test checks
 * the README shows them), under the Node given.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runCommand } from '../../../test/helpers/run-command.js';
import { pathWith, type NodeRuntime } from './node-runtimes.js';

/** Where the README's commands expect the tarball `bun run pack` wrote (next to the user's project). */
export const README_TARBALL = '../openrouter-free-pool/tarballs/freepool-plugin-openrouter-free-0.1.0.tgz';

/**
 * The README's commands, in order. `allowScripts` lets bun's own postinstall run (it fetches the bun
 * binary the CLI runs on) and denies @elizaos/plugin-ollama's, which calls a script its package
 * does not ship and would fail the install.
 */
export const INSTALL_COMMANDS = [
  'npm init -y',
  'npm pkg set type=module',
  `npm pkg set --json 'allowScripts={"bun":true,"@elizaos/plugin-ollama":false}'`,
  `npm install @elizaos/cli@1.7.2 @elizaos/core@1.7.2 @elizaos/plugin-sql@1.7.2 @elizaos/plugin-bootstrap@1.7.2 ${README_TARBALL}`,
] as const;

export interface InstalledProject {
  dir: string;
  /** Wall time of the `npm install`. */
  installMs: number;
}

/** Runs one shell command line in `cwd` under `runtime`; resolves with its output, rejects naming the command. */
export async function sh(command: string, cwd: string, runtime: NodeRuntime, env: NodeJS.ProcessEnv = {}, timeoutMs = 900_000): Promise<string> {
  const r = await runCommand('sh', ['-c', command], cwd, { ...env, PATH: pathWith(runtime) }, timeoutMs);
  const out = r.output;
  if (r.code === 0) return out;
  throw new Error(`\`${command}\` in ${cwd} under Node ${runtime.version} failed (exit ${r.code ?? r.signal}):\n${out.slice(-4000)}`);
}

/**
 * A new project in a temporary folder, with the tarball where the README's commands look for it
 * (`../openrouter-free-pool/tarballs/`), installed by those commands. npm's cache is shared between
 * runs; `prefer-offline` (an environment setting, not part of the commands) lets npm use it without
 * asking the registry again, and audit/fund are off, so a repeated run is quick.
 */
export async function installProject(tarball: string, runtime: NodeRuntime): Promise<InstalledProject> {
  const root = mkdtempSync(path.join(tmpdir(), `freepool-outside-${runtime.label.replace(/\W/g, '')}-`));
  const dir = path.join(root, 'my-agent');
  await sh(`mkdir -p my-agent openrouter-free-pool/tarballs && cp ${JSON.stringify(tarball)} openrouter-free-pool/tarballs/`, root, runtime);
  const env = { npm_config_prefer_offline: 'true', npm_config_audit: 'false', npm_config_fund: 'false', npm_config_update_notifier: 'false' };
  let installMs = 0;
  for (const command of INSTALL_COMMANDS) {
    const started = Date.now();
    await sh(command, dir, runtime, env);
    if (command.startsWith('npm install')) installMs = Date.now() - started;
  }
  return { dir, installMs };
}

/** The character the README shows: plugin-sql, this plugin, plugin-bootstrap. */
export function writeCharacter(dir: string): string {
  const file = path.join(dir, 'character.json');
  const character = {
    name: 'Eliza',
    bio: ['A helpful assistant.'],
    plugins: ['@elizaos/plugin-sql', '@freepool/plugin-openrouter-free', '@elizaos/plugin-bootstrap'],
  };
  writeFileSync(file, `${JSON.stringify(character, null, 2)}\n`);
  return file;
}

/** The project's .env, which `elizaos start` loads: `settings` as KEY=value lines. */
export function writeEnv(dir: string, settings: Record<string, string>): void {
  writeFileSync(path.join(dir, '.env'), `${Object.entries(settings).map(([k, v]) => `${k}=${v}`).join('\n')}\n`);
}
