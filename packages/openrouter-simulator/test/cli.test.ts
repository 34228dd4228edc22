import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { SMALL, chat } from './helpers.js';

const repoRoot = resolve(fileURLToPath(new URL('../../..', import.meta.url)));
const bun = join(repoRoot, 'node_modules/.bin/bun');
const cli = join(repoRoot, 'packages/openrouter-simulator/src/cli.ts');

describe('cli.ts', () => {
  it('starts on a port with a scenario file and prints the base URL', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sim-cli-'));
    const scenarioFile = join(dir, 'scenario.json');
    writeFileSync(scenarioFile, JSON.stringify({ account: { daily: 1 } }));
    const child = spawn(bun, [cli, '--port', '0', '--scenario', scenarioFile], { stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      const baseURL = await new Promise<string>((resolveUrl, reject) => {
        let out = '';
        child.stdout.on('data', (c: Buffer) => {
          out += c.toString();
          const line = out.split('\n').find((l) => l.startsWith('http'));
          if (line) resolveUrl(line.trim());
        });
        child.on('exit', (code) => reject(new Error(`cli exited with ${code}`)));
      });
      expect(baseURL).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/api\/v1$/);
      expect((await chat(baseURL, { model: SMALL })).status).toBe(200);
      expect((await chat(baseURL, { model: SMALL })).status).toBe(429);
    } finally {
      child.kill('SIGTERM');
    }
  });

  it('fails with a clear message for a bad scenario', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sim-cli-'));
    const scenarioFile = join(dir, 'scenario.json');
    writeFileSync(scenarioFile, JSON.stringify({ account: { perMinute: -1 } }));
    const child = spawn(bun, [cli, '--port', '0', '--scenario', scenarioFile], { stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    const code = await new Promise<number | null>((r) => child.on('exit', r));
    expect(code).toBe(1);
    expect(err).toMatch(/account\.perMinute/);
  });
});
