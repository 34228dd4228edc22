/**
 * The publishable packages and the checks a release makes on them: each is packed with plain
 * `npm pack` (what `npm publish` runs), and its packed manifest must install anywhere: no
 * `workspace:`/`file:`/`link:` ranges, the metadata a registry page shows, and the files it promises.
 * Used by `bun run pack` (tarballs for a project outside this repository), `bun run release:dry-run`
 * and the outside-project test.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import semver from 'semver';
import { REPO_ROOT } from './paths.js';

/** The repository every manifest and package README points at. */
export const REPO_URL = 'https://github.com/freepool/openrouter-free-pool';

/** Registry limits for the plugin's images (elizaos publish, and the plugin registry's review). */
export const IMAGE_LIMITS = { 'images/logo.jpg': 500 * 1024, 'images/banner.jpg': 1024 * 1024 } as const;

const DEP_FIELDS = ['dependencies', 'devDependencies', 'peerDependencies', 'optionalDependencies'] as const;

export interface Manifest {
  name: string;
  version: string;
  private?: boolean;
  description?: string;
  license?: string;
  repository?: { type?: string; url?: string; directory?: string } | string;
  homepage?: string;
  bugs?: { url?: string } | string;
  keywords?: string[];
  engines?: { node?: string };
  main?: string;
  types?: string;
  exports?: Record<string, unknown>;
  agentConfig?: { pluginParameters?: Record<string, unknown> };
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
}

export interface WorkspacePackage {
  dir: string;
  manifest: Manifest;
}

/** Every package under packages/, by folder name. */
export function workspacePackages(root = REPO_ROOT): WorkspacePackage[] {
  const base = path.join(root, 'packages');
  return readdirSync(base, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => ({ dir: path.join(base, d.name), manifest: JSON.parse(readFileSync(path.join(base, d.name, 'package.json'), 'utf8')) as Manifest }))
    .sort((a, b) => a.manifest.name.localeCompare(b.manifest.name));
}

/** The packages that are published (not `private`). */
export function publishablePackages(root = REPO_ROOT): WorkspacePackage[] {
  return workspacePackages(root).filter((p) => !p.manifest.private);
}

/**
 * Ranges on workspace packages must be real semver ranges the workspace version satisfies: then
 * bun and npm link the workspace copy here, and a packed manifest carries a range the registry can
 * resolve. A protocol range (`workspace:`, `file:`, `link:`) would be packed as is by npm and break
 * every install outside this repository.
 */
export function workspaceRangeProblems(root = REPO_ROOT): string[] {
  const all = workspacePackages(root);
  const versions = new Map(all.map((p) => [p.manifest.name, p.manifest.version]));
  const problems: string[] = [];
  for (const { manifest } of all) {
    for (const field of DEP_FIELDS) {
      for (const [name, range] of Object.entries(manifest[field] ?? {})) {
        const version = versions.get(name);
        if (version === undefined) continue;
        if (/^(workspace|file|link):/.test(range)) {
          problems.push(`${manifest.name} ${field}.${name} is "${range}": use a semver range that ${version} satisfies (bun and npm link the workspace package for it, and npm pack keeps it installable)`);
        } else if (!semver.satisfies(version, range)) {
          problems.push(`${manifest.name} ${field}.${name} is "${range}", which the workspace's ${name}@${version} does not satisfy: installs would fetch it from the registry instead of linking it`);
        }
      }
    }
  }
  return problems;
}

export interface PackedFile {
  path: string;
  size: number;
}

export interface Packed {
  name: string;
  version: string;
  /** Absolute path of the tarball. */
  file: string;
  files: PackedFile[];
  /** The package.json inside the tarball. */
  manifest: Manifest;
}

/**
 * `npm pack` in the package's folder, as a maintainer would run it (its prepack script builds
 * dist/ first), into `dest`. Throws with npm's output when it fails.
 */
export function packWithNpm(pkg: WorkspacePackage, dest: string, env: NodeJS.ProcessEnv = process.env): Packed {
  const r = spawnSync('npm', ['pack', '--json', '--pack-destination', dest], { cwd: pkg.dir, encoding: 'utf8', env, maxBuffer: 64 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`npm pack of ${pkg.manifest.name} failed (exit ${r.status}):\n${r.stdout}\n${r.stderr}`);
  // npm prints the prepack script's output before its JSON report: read from the report's opening bracket.
  const start = r.stdout.lastIndexOf('\n[\n') + 1 || r.stdout.indexOf('[');
  let report: Array<{ name: string; version: string; filename: string; files: PackedFile[] }>;
  try {
    report = JSON.parse(r.stdout.slice(start));
  } catch {
    throw new Error(`npm pack of ${pkg.manifest.name}: could not read its JSON report:\n${r.stdout}`);
  }
  const entry = report[0]!;
  const file = path.join(dest, entry.filename);
  return { name: entry.name, version: entry.version, file, files: entry.files, manifest: readPackedManifest(file) };
}

/** package/package.json of a tarball. */
export function readPackedManifest(tarball: string): Manifest {
  const r = spawnSync('tar', ['-xzOf', tarball, 'package/package.json'], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`cannot read package.json from ${tarball}: ${r.stderr}`);
  return JSON.parse(r.stdout) as Manifest;
}

/** A file of the tarball, as text. */
export function readPackedFile(tarball: string, file: string): string {
  const r = spawnSync('tar', ['-xzOf', tarball, `package/${file}`], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`cannot read ${file} from ${tarball}: ${r.stderr}`);
  return r.stdout;
}

/** What is wrong with a packed package, in words a maintainer can act on; empty when nothing is. */
export function packedProblems(packed: Packed): string[] {
  const m = packed.manifest;
  const problems: string[] = [];
  const where = (s: string) => `${packed.name}: ${s}`;
  for (const field of DEP_FIELDS) {
    for (const [name, range] of Object.entries(m[field] ?? {})) {
      if (/^(workspace|file|link):/.test(range)) problems.push(where(`packed ${field}.${name} is "${range}", which no install outside this repository can resolve`));
    }
  }
  const repoUrl = typeof m.repository === 'string' ? m.repository : m.repository?.url;
  if (!repoUrl?.includes(REPO_URL.replace(/^https:\/\//, ''))) problems.push(where(`repository should point at ${REPO_URL}, got ${JSON.stringify(m.repository)}`));
  if (!m.homepage?.startsWith(REPO_URL)) problems.push(where(`homepage should be under ${REPO_URL}, got ${JSON.stringify(m.homepage)}`));
  const bugs = typeof m.bugs === 'string' ? m.bugs : m.bugs?.url;
  if (bugs !== `${REPO_URL}/issues`) problems.push(where(`bugs should be ${REPO_URL}/issues, got ${JSON.stringify(m.bugs)}`));
  if (m.license !== 'MIT') problems.push(where(`license should be MIT, got ${JSON.stringify(m.license)}`));
  if (!m.description) problems.push(where('no description'));
  if (!m.keywords?.length) problems.push(where('no keywords'));
  if (!m.engines?.node) problems.push(where('no engines.node'));
  const files = new Set(packed.files.map((f) => f.path));
  for (const needed of ['package.json', 'README.md', 'LICENSE', m.main, m.types]) {
    if (needed && !files.has(needed.replace(/^\.\//, ''))) problems.push(where(`the tarball lacks ${needed}`));
  }
  for (const f of packed.files) {
    if (f.path.endsWith('.map')) problems.push(where(`ships a source map (${f.path}) while src/ is not shipped`));
  }
  const readme = readPackedFile(packed.file, 'README.md');
  for (const link of readme.matchAll(/\]\(([^)\s]+)\)/g)) {
    const target = link[1]!;
    if (!/^(https?:|mailto:|#)/.test(target)) problems.push(where(`README.md links to "${target}", which is not in the package: use an absolute ${REPO_URL}/… URL`));
  }
  if (m.agentConfig) {
    // An ElizaOS plugin: the registry's images, and @elizaos/core as a peer (the registry reads the
    // supported ElizaOS major from it; the user's project provides the one copy).
    for (const [image, limit] of Object.entries(IMAGE_LIMITS)) {
      const f = packed.files.find((x) => x.path === image);
      if (!f) problems.push(where(`the tarball lacks ${image} (the plugin registry asks for it)`));
      else if (f.size >= limit) problems.push(where(`${image} is ${f.size} bytes; the registry allows less than ${limit}`));
    }
    if (!m.peerDependencies?.['@elizaos/core']) problems.push(where('@elizaos/core should be a peerDependency'));
    if (m.dependencies?.['@elizaos/core']) problems.push(where('@elizaos/core is also a dependency: a second copy of core in the user project'));
  }
  return problems;
}
