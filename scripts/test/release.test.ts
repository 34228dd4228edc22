/**
 * The release checks (scripts/lib/release.ts) that `bun run pack`, `bun run release:dry-run` and the
 * outside-project test rely on: they pass on this repository, and they catch what made the first
 * plugin tarball uninstallable (a `workspace:` range left in the packed manifest).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { packedProblems, packWithNpm, publishablePackages, workspaceRangeProblems } from '../lib/release.js';
import { tempDir } from './helpers.js';

let cleanup: (() => void) | undefined;
afterEach(() => {
  cleanup?.();
  cleanup = undefined;
});

/** A throwaway monorepo: packages/<name>/package.json (and README.md) for each manifest given. */
function fixtureRepo(packages: Record<string, Record<string, unknown>>, readme = '# x\n'): string {
  const t = tempDir('release-fixture');
  cleanup = t.cleanup;
  for (const [folder, manifest] of Object.entries(packages)) {
    const dir = path.join(t.dir, 'packages', folder);
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, 'package.json'), JSON.stringify(manifest, null, 2));
    writeFileSync(path.join(dir, 'README.md'), readme);
    writeFileSync(path.join(dir, 'LICENSE'), 'MIT\n');
  }
  return t.dir;
}

describe('release checks', () => {
  it('this repository: every range on a workspace package is a semver range its version satisfies; the simulator is not published', () => {
    expect(workspaceRangeProblems()).toEqual([]);
    expect(publishablePackages().map((p) => p.manifest.name)).toEqual(['@freepool/free-model-pool', '@freepool/plugin-openrouter-free']);
  });

  it('a workspace: range, or a range the workspace version does not satisfy, is named', () => {
    const root = fixtureRepo({
      engine: { name: '@x/engine', version: '0.1.0' },
      plugin: { name: '@x/plugin', version: '0.1.0', dependencies: { '@x/engine': 'workspace:*' }, devDependencies: { '@x/engine': '^0.2.0' } },
      fine: { name: '@x/fine', version: '0.1.0', dependencies: { '@x/engine': '^0.1.0' } },
    });
    const problems = workspaceRangeProblems(root);
    expect(problems).toHaveLength(2);
    expect(problems[0]).toMatch(/^@x\/plugin dependencies\.@x\/engine is "workspace:\*": use a semver range that 0\.1\.0 satisfies/);
    expect(problems[1]).toMatch(/^@x\/plugin devDependencies\.@x\/engine is "\^0\.2\.0", which the workspace's @x\/engine@0\.1\.0 does not satisfy/);
  });

  it('npm pack keeps a workspace: range and a relative README link as they are; the packed-manifest check names both', () => {
    const root = fixtureRepo(
      { plugin: { name: '@x/plugin', version: '0.1.0', license: 'MIT', dependencies: { '@x/engine': 'workspace:*' } } },
      '# x\n\nSee [the docs](../../docs/guide.md).\n',
    );
    const [pkg] = publishablePackages(root);
    const packed = packWithNpm(pkg!, path.join(root, 'packages'));
    expect(packed.manifest.dependencies).toEqual({ '@x/engine': 'workspace:*' });
    const problems = packedProblems(packed);
    expect(problems).toContain('@x/plugin: packed dependencies.@x/engine is "workspace:*", which no install outside this repository can resolve');
    expect(problems.some((p) => p.includes('README.md links to "../../docs/guide.md"'))).toBe(true);
  });
});
