/**
 * Builds the plugin into dist/ as one ES module: the plugin and the engine it sits on
 * (@freepool/free-model-pool, inlined from its sources through the root tsconfig's paths), with
 * every package the plugin declares (dependencies, peerDependencies) and Node's built-ins left to the
 * user's install. So the packed plugin needs nothing that is not on npm: `npm install` and `bun add`
 * of its tarball work before the engine is published, with no overrides.
 *
 * Also: dist/index.d.ts (the public API: the Plugin object), the panel's files beside the bundle
 * (routes/panel.ts reads them relative to the module), and checks that the plugin declares the
 * engine's dependencies with the same ranges and that the bundle inlines or imports nothing else
 * undeclared. No source maps: src/ is not shipped.
 *
 *   bun build.ts        (what `bun run build` runs; `npm pack` runs it first, through prepack)
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { builtinModules, createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
const dist = path.join(here, 'dist');
const manifest = JSON.parse(readFileSync(path.join(here, 'package.json'), 'utf8')) as {
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
};
const declared = [...Object.keys(manifest.dependencies ?? {}), ...Object.keys(manifest.peerDependencies ?? {})];

function fail(message: string): never {
  console.error(`plugin build: ${message}`);
  process.exit(1);
}

// The engine is inlined, so its dependencies are the plugin's: the same ranges, or the plugin would
// install versions the engine was never tested with.
const engine = JSON.parse(readFileSync(path.join(here, '..', 'free-model-pool', 'package.json'), 'utf8')) as { dependencies?: Record<string, string> };
const drift = Object.entries(engine.dependencies ?? {}).filter(([name, range]) => manifest.dependencies?.[name] !== range);
if (drift.length) {
  fail(`the engine's dependencies must be the plugin's too, with the same ranges: ${drift.map(([n, r]) => `${n} ${r} (plugin: ${manifest.dependencies?.[n] ?? 'missing'})`).join(', ')}`);
}

rmSync(dist, { recursive: true, force: true });

// `bun build` (this script runs under bun, so process.execPath is bun). The root tsconfig's paths
// point the engine's imports at its sources.
const metafile = path.join(mkdtempSync(path.join(tmpdir(), 'plugin-build-')), 'meta.json');
const bundled = spawnSync(
  process.execPath,
  [
    'build',
    'src/index.ts',
    '--outdir=dist',
    '--target=node',
    '--format=esm',
    '--sourcemap=none',
    `--metafile=${metafile}`,
    ...declared.flatMap((n) => [`--external=${n}`, `--external=${n}/*`]),
  ],
  { cwd: here, encoding: 'utf8' },
);
if (bundled.status !== 0) fail(`bundling failed:\n${bundled.stdout}${bundled.stderr}`);

// Only our own sources are inlined: a package the manifest forgot would be bundled silently
// (a second copy of it, at whatever version the workspace has), so that fails the build instead.
const meta = JSON.parse(readFileSync(metafile, 'utf8')) as { inputs: Record<string, { imports: Array<{ path: string; external?: boolean }> }> };
rmSync(path.dirname(metafile), { recursive: true, force: true });
const builtins = new Set(builtinModules);
const inlined = Object.keys(meta.inputs).filter((file) => file.includes('node_modules') || !/^(src|\.\.\/free-model-pool\/src)\//.test(file));
const packageOf = (spec: string) => (spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]!);
const inlinedPackages = [...new Set(inlined.map((file) => packageOf(file.slice(file.lastIndexOf('node_modules/') + 'node_modules/'.length))))];
if (inlined.length) fail(`the bundle would inline ${inlinedPackages.join(', ')} (${inlined.length} files); declare them in package.json dependencies so they stay external.`);
const imported = new Set(Object.values(meta.inputs).flatMap((input) => input.imports.filter((i) => i.external).map((i) => i.path)));
const undeclared = [...imported].filter((spec) => !spec.startsWith('node:') && !builtins.has(spec) && !declared.includes(packageOf(spec)));
if (undeclared.length) fail(`dist/index.js imports ${undeclared.join(', ')}, which package.json does not declare.`);

// The public types: tsc declarations of src/, of which only index.d.ts is shipped. It may refer to
// declared packages only (today: the Plugin type of @elizaos/core).
const typesDir = mkdtempSync(path.join(tmpdir(), 'plugin-types-'));
try {
  const tsc = spawnSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.build.json', '--emitDeclarationOnly', '--outDir', typesDir], {
    cwd: here,
    encoding: 'utf8',
  });
  if (tsc.status !== 0) fail(`tsc (declarations) failed:\n${tsc.stdout}${tsc.stderr}`);
  const types = readFileSync(path.join(typesDir, 'plugin-openrouter-free', 'src', 'index.d.ts'), 'utf8');
  for (const m of types.matchAll(/from\s*["']([^"']+)["']/g)) {
    const spec = m[1]!;
    if (spec.startsWith('.') || !declared.includes(packageOf(spec))) fail(`dist/index.d.ts would import "${spec}", which the package does not ship or declare; export only types of declared packages from src/index.ts.`);
  }
  writeFileSync(path.join(dist, 'index.d.ts'), types);
} finally {
  rmSync(typesDir, { recursive: true, force: true });
}

cpSync(path.join(here, 'src', 'routes', 'panel'), path.join(dist, 'panel'), { recursive: true });
