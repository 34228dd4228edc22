/**
 * `elizaos plugins add @freepool/plugin-openrouter-free` must install this package, not another entry
 * of the ElizaOS plugin registry. The CLI (1.7.2) normalises a name (itself, its base without
 * `plugin-`, `plugin-<base>`, `@elizaos/<base>`, `@elizaos/plugin-<base>`), looks each up in the
 * registry, then tries any registry key that contains the base. This test runs the CLI's own
 * functions, cut from node_modules/@elizaos/cli/dist/index.js (a devDependency pinned in bun.lock),
 * against the registry copy in ../shared/fixtures/elizaos-registry, with the installer stubbed to
 * record what it was asked to install.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from './helpers.js';

const REGISTRY_DIR = path.join(REPO_ROOT, '..', 'shared', 'fixtures', 'elizaos-registry');
const GENERATED = path.join(REGISTRY_DIR, 'generated-registry.json');
const registryPresent = existsSync(GENERATED);
if (!registryPresent) console.warn(`ElizaOS registry copy not found at ${GENERATED}: the registry-name tests are skipped`);

const CLI_DIST = path.join(REPO_ROOT, 'node_modules', '@elizaos', 'cli', 'dist', 'index.js');
const OUR_NAME = (JSON.parse(readFileSync(path.join(REPO_ROOT, 'packages', 'plugin-openrouter-free', 'package.json'), 'utf8')) as { name: string }).name;

/** The source of a top-level function (or `var x = (…) => {…};`) of the CLI bundle: from its header to the closing brace at column 0. */
function cut(source: string, header: string): string {
  const start = source.indexOf(`\n${header}`);
  if (start < 0) throw new Error(`@elizaos/cli's dist/index.js has no "${header}": the CLI changed; re-read how it resolves plugin names`);
  const end = source.slice(start + 1).search(/\n\};?\n/);
  return source.slice(start + 1, start + 1 + end + 3);
}

interface Registry {
  registry: Record<string, { npm?: { repo?: string; v1?: string | null }; git?: { repo?: string } }>;
}

/** What `elizaos plugins add <name>` would install, with the CLI's resolution and a recording installer. */
function cliResolution(registry: Registry) {
  const source = readFileSync(CLI_DIST, 'utf8');
  const code = [
    cut(source, 'function normalizePluginName('),
    cut(source, 'async function installPlugin('),
    cut(source, 'var findPluginPackageName = '),
    cut(source, 'async function installPluginFromRegistry('),
    'return { normalizePluginName, installPlugin, findPluginPackageName, installPluginFromRegistry };',
  ].join('\n');
  const installed: string[] = [];
  const quiet = { debug() {}, info() {}, warn() {}, error() {} };
  const stubs: Record<string, unknown> = {
    // What the CLI fetches from GitHub: here, the registry copy.
    fetchPluginRegistry: async () => registry,
    detectPluginContext: () => ({ isLocalDevelopment: false }),
    getCliDirectory: () => null,
    // The installers: record the package they would install.
    attemptInstallation: async (name: string) => (installed.push(name), true),
    executeInstallationWithFallback: async (name: string) => (installed.push(name), { success: true, installedIdentifier: name }),
    verifyPluginImport: async () => true,
    getDependenciesFromDirectory: () => Object.fromEntries(installed.map((n) => [n, '*'])),
    promptForPluginEnvVars: async () => undefined,
    showInstallationSuccess: () => undefined,
    logger20: quiet,
    logger37: quiet,
    console: { log() {}, info() {}, warn() {}, error() {} },
    process: {
      env: {},
      exit: (code: number) => {
        throw Object.assign(new Error(`exit ${code}`), { exitCode: code });
      },
    },
  };
  const names = Object.keys(stubs);
  const cli = new Function(...names, code)(...names.map((n) => stubs[n])) as {
    normalizePluginName(name: string): string[];
    findPluginPackageName(name: string, deps: Record<string, string>): string | null;
    installPluginFromRegistry(name: string, cwd: string, opts: Record<string, unknown>): Promise<void>;
  };
  /** `elizaos plugins add <name>` in a project without it: the packages the CLI asked to install. */
  const add = async (name: string) => {
    installed.length = 0;
    await cli.installPluginFromRegistry(name, '/tmp/project', { skipEnvPrompt: true }).catch((e: { exitCode?: number }) => {
      if (e.exitCode !== 0) throw e;
    });
    return [...installed];
  };
  return { ...cli, add };
}

const loadRegistry = (): Registry => JSON.parse(readFileSync(GENERATED, 'utf8')) as Registry;

describe.skipIf(!registryPresent)(`elizaos plugins add ${OUR_NAME}, against the registry copy`, () => {
  it('the name and every form the CLI normalises it to are no registry entry, and no registry key contains its base', () => {
    const registry = loadRegistry();
    const { normalizePluginName } = cliResolution(registry);
    const forms = normalizePluginName(OUR_NAME);
    expect(forms).toContain('@elizaos/plugin-openrouter-free');
    expect(forms.filter((f) => f in registry.registry)).toEqual([]);
    const base = 'openrouter-free';
    expect(Object.keys(registry.registry).filter((k) => k.toLowerCase().includes(base))).toEqual([]);
  });

  it('installs exactly this package: no other registry entry is picked', async () => {
    const { add } = cliResolution(loadRegistry());
    expect(await add(OUR_NAME)).toEqual([OUR_NAME]);
  });

  it('the name this package had before resolved to the official plugin (the collision this name avoids)', async () => {
    const { add } = cliResolution(loadRegistry());
    expect(await add('@freepool/plugin-openrouter')).toEqual(['@elizaos/plugin-openrouter']);
  });

  it('once this package is in the registry, the CLI resolves the name to its own entry', async () => {
    const registry = loadRegistry();
    registry.registry[OUR_NAME] = { npm: { repo: OUR_NAME, v1: '0.1.0' }, git: { repo: 'freepool/openrouter-free-pool' } };
    const { add } = cliResolution(registry);
    expect(await add(OUR_NAME)).toEqual([OUR_NAME]);
  });

  it('a project that has the official plugin does not count as having this one ("already added")', () => {
    const { findPluginPackageName } = cliResolution(loadRegistry());
    const template = { '@elizaos/cli': '1.7.2', '@elizaos/core': '1.7.2', '@elizaos/plugin-bootstrap': '1.7.2', '@elizaos/plugin-sql': '1.7.2', '@elizaos/plugin-openrouter': '1.5.17' };
    expect(findPluginPackageName(OUR_NAME, template)).toBeNull();
    expect(findPluginPackageName(OUR_NAME, { ...template, [OUR_NAME]: '0.1.0' })).toBe(OUR_NAME);
  });
});
