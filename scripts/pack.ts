/**
 * `bun run pack`: the publishable packages as npm tarballs in tarballs/, made with plain `npm pack`
 * (each package's prepack builds it first), checked the way a release checks them, and the commands
 * that install the plugin into your own ElizaOS project. The plugin's tarball is all such a project
 * needs (it carries the engine); the engine's is for other AI SDK programs.
 */
import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { packedProblems, packWithNpm, publishablePackages, workspaceRangeProblems } from './lib/release.js';
import { REPO_ROOT } from './lib/paths.js';

const dest = path.join(REPO_ROOT, 'tarballs');
mkdirSync(dest, { recursive: true });
for (const old of readdirSync(dest)) if (old.endsWith('.tgz')) rmSync(path.join(dest, old));

const problems = workspaceRangeProblems();
const written: string[] = [];
for (const pkg of publishablePackages()) {
  process.stderr.write(`packing ${pkg.manifest.name} (npm pack, which builds it first)…\n`);
  const packed = packWithNpm(pkg, dest, { ...process.env, npm_config_loglevel: 'warn' });
  problems.push(...packedProblems(packed));
  written.push(packed.file);
}
if (problems.length) {
  console.error(`\nThe tarballs are not fit to install:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  process.exit(1);
}

const plugin = written.find((f) => path.basename(f).startsWith('freepool-plugin-openrouter-free-'))!;
console.log(`
Wrote ${written.length} tarballs to ${dest}:
${written.map((f) => `  ${path.basename(f)}`).join('\n')}

In your ElizaOS project (the plugin tarball is all it needs):
  bun add ${plugin}
or with npm:
  npm install ${plugin}

Then add "@freepool/plugin-openrouter-free" to the character's plugins and set OPENROUTER_API_KEY in the
project's .env (see "Install" in the README).`);
