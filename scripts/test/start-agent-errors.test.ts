/**
 * `bun run start` with a bad character file or port: one clear line naming the problem and exit 1,
 * not a stack trace of the script. These fail before any server or simulator starts.
 */
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BUN, REPO_ROOT, runScript, tempDir } from './helpers.js';

describe('bun run start: start-up errors', () => {
  const tmp = tempDir('freepool-start-errors');
  afterAll(() => tmp.cleanup());
  const env = { SERVER_PORT: '1', OPENROUTER_API_KEY: undefined, LOG_LEVEL: 'warn' };

  const cases: Array<[string, () => string[], Record<string, string>, RegExp]> = [
    ['a missing character file', () => ['--character', path.join(tmp.dir, 'nope.json')], {}, /Character file not found: .*nope\.json/],
    [
      'a character file that is not JSON',
      () => {
        const file = path.join(tmp.dir, 'broken.json');
        writeFileSync(file, '{"name": "x"');
        return ['--character', file];
      },
      {},
      /Character file .*broken\.json is not valid JSON/,
    ],
    [
      'a character ElizaOS rejects',
      () => {
        const file = path.join(tmp.dir, 'unknown-key.json');
        writeFileSync(file, JSON.stringify({ name: 'x', bio: ['y'], bogus: 1 }));
        return ['--character', file];
      },
      {},
      /unknown-key\.json.*bogus/,
    ],
    ['a bad port', () => [], { SERVER_PORT: 'eighty' }, /SERVER_PORT \/ --port must be a port number 1-65535, got "eighty"/],
  ];

  it.each(cases)('%s: one clear line and exit code 1', async (_what, args, extraEnv, message) => {
    const r = await runScript('start-agent.ts', args(), { ...env, ...extraEnv });
    const output = r.stdout + r.stderr;
    expect(r.code, output).toBe(1);
    expect(output).toMatch(message);
    expect(output).not.toMatch(/\n\s+at \S+ \(/); // no stack trace
  }, 60_000);
});

describe('bun run start: where the key is found', () => {
  const tmp = tempDir('freepool-start-key');
  afterAll(() => tmp.cleanup());

  it('sees a key in the character settings (not only settings.secrets) and names the base URL the plugin will use', async () => {
    const file = path.join(tmp.dir, 'settings-key.json');
    // Dead loopback base URLs: nothing leaves the machine; the banner is printed before any call. The
    // character's wins over the environment's, as it does for the plugin.
    writeFileSync(
      file,
      JSON.stringify({
        name: 'KeyInSettings',
        bio: ['x'],
        plugins: ['@elizaos/plugin-sql', '@freepool/plugin-openrouter-free'],
        settings: { OPENROUTER_API_KEY: 'sk-or-v1-FAKE-test-key-0000', OPENROUTER_BASE_URL: 'http://127.0.0.1:9/api/v1' },
      }),
    );
    const env: Record<string, string> = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', SERVER_PORT: '1', PGLITE_DATA_DIR: path.join(tmp.dir, 'db'), OPENROUTER_BASE_URL: 'http://127.0.0.1:8/api/v1' };
    const child = spawn(BUN, ['scripts/start-agent.ts', '--character', file], { cwd: REPO_ROOT, env });
    let output = '';
    const banner = new Promise<void>((resolve) => {
      const onData = (d: Buffer) => {
        output += d;
        if (/Using OpenRouter at|No OPENROUTER_API_KEY set/.test(output)) resolve();
      };
      child.stdout.on('data', onData);
      child.stderr.on('data', onData);
      child.on('exit', () => resolve());
    });
    await banner;
    child.kill('SIGKILL');
    expect(output).toContain('Using OpenRouter at http://127.0.0.1:9/api/v1');
    expect(output).not.toContain('simulator');
  }, 60_000);
});
