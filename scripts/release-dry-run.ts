/**
 * `bun run release:dry-run`: everything a release does, short of publishing. For each publishable
 * package: plain `npm pack` (its prepack builds it), the packed manifest checked (no workspace:,
 * file: or link: range; metadata, files, images, no source maps, no relative README links), the
 * tarballs installed into fresh projects outside the repository with npm and with bun (no
 * overrides) and each entry imported, and `npm publish --dry-run`. Exits 1 naming every problem.
 * Needs the npm registry for the dependencies; publishes nothing.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { packedProblems, packWithNpm, publishablePackages, workspaceRangeProblems, type Packed } from './lib/release.js';
import { REPO_ROOT } from './lib/paths.js';

const BUN = path.join(REPO_ROOT, 'node_modules', '.bin', 'bun');
const problems: string[] = [];
const rows: string[] = [];
const work = mkdtempSync(path.join(tmpdir(), 'freepool-release-'));

function step(title: string): void {
  process.stderr.write(`\n== ${title}\n`);
}

function run(cmd: string, args: string[], cwd: string): { ok: boolean; output: string } {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, env: { ...process.env, npm_config_loglevel: 'warn' } });
  return { ok: r.status === 0, output: `${r.stdout ?? ''}${r.stderr ?? ''}` };
}

/** A fresh project outside the repository that installs `tarballs` with `installer`, then imports every package. */
function installAndImport(installer: 'npm' | 'bun', tarballs: Packed[]): void {
  const dir = mkdtempSync(path.join(work, `${installer}-project-`));
  writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: `release-check-${installer}`, version: '0.0.0', private: true, type: 'module' }, null, 2));
  const files = tarballs.map((t) => t.file);
  const install = installer === 'npm' ? run('npm', ['install', '--no-audit', '--no-fund', ...files], dir) : run(BUN, ['add', ...files], dir);
  if (!install.ok) {
    problems.push(`${installer} could not install ${files.map((f) => path.basename(f)).join(', ')} into a fresh project:\n${install.output.trim()}`);
    return;
  }
  for (const t of tarballs) {
    const script = `const m = await import(${JSON.stringify(t.name)}); if (!m || !Object.keys(m).length) throw new Error('no exports');`;
    for (const runtime of installer === 'bun' ? ['bun', 'node'] : ['node']) {
      const r = runtime === 'node' ? run(process.env.NODE ?? 'node', ['--input-type=module', '-e', script], dir) : run(BUN, ['-e', script], dir);
      if (!r.ok) problems.push(`${t.name} installed with ${installer} does not import under ${runtime}:\n${r.output.trim()}`);
      else rows.push(`${t.name}: installed with ${installer}, imports under ${runtime}`);
    }
  }
}

try {
  step('workspace ranges');
  problems.push(...workspaceRangeProblems());

  step('npm pack');
  const packed: Packed[] = [];
  for (const pkg of publishablePackages()) {
    const p = packWithNpm(pkg, work, { ...process.env, npm_config_loglevel: 'warn' });
    packed.push(p);
    problems.push(...packedProblems(p));
    rows.push(`${p.name}@${p.version}: ${path.basename(p.file)}, ${p.files.length} files`);
  }

  step('install the tarballs into fresh projects (npm, then bun)');
  installAndImport('npm', packed);
  installAndImport('bun', packed);
  // The plugin alone, as an ElizaOS project installs it: its tarball carries the engine.
  const plugin = packed.filter((p) => p.manifest.agentConfig);
  installAndImport('npm', plugin);
  installAndImport('bun', plugin);

  step('npm publish --dry-run');
  for (const pkg of publishablePackages()) {
    const r = run('npm', ['publish', '--dry-run'], pkg.dir);
    if (!r.ok) problems.push(`npm publish --dry-run of ${pkg.manifest.name} failed:\n${r.output.trim()}`);
    else rows.push(`${pkg.manifest.name}: npm publish --dry-run passed`);
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}

console.log(`\n${rows.map((r) => `  ok  ${r}`).join('\n')}`);
if (problems.length) {
  console.error(`\nrelease dry-run: ${problems.length} problem(s):\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  process.exit(1);
}
console.log('\nrelease dry-run passed: every publishable package packs, installs with npm and bun, imports, and passes npm publish --dry-run.');
