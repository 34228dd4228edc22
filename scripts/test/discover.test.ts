import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '@freepool/openrouter-simulator';
import { main } from '../pool-discover.js';
import { memoryIo } from '../lib/io.js';
import { NEWEST_SNAPSHOT, REPO_ROOT, runScript, SHARED_DIR, SNAPSHOTS, snapshotsPresent, tempDir } from './helpers.js';

const NOW = '2026-05-01';
const read = (dir: string, f: string) => readFileSync(join(dir, f), 'utf8');

async function discover(argv: string[], env: Record<string, string | undefined> = {}) {
  const io = memoryIo();
  const code = await main(argv, env, io);
  return { code, stdout: io.stdout(), stderr: io.stderr() };
}

describe.skipIf(!snapshotsPresent)('pool:discover over the real snapshots', () => {
  const tmp = tempDir('discover');
  afterAll(() => tmp.cleanup());

  for (const name of SNAPSHOTS) {
    it(`${name}: writes both files, prints the tiers, reruns byte-identically`, async () => {
      const out = join(tmp.dir, name);
      const now = name.slice(7, 17);
      const first = await discover(['--catalog', `${SHARED_DIR}/${name}`, '--out', out, '--now', now]);
      expect(first.code, first.stderr).toBe(0);
      expect(first.stdout).toMatch(/SMALL \(\d+\)/);
      expect(first.stdout).toMatch(/LARGE \(\d+\)/);
      expect(first.stdout).toMatch(/VISION \(\d+\)/);
      const available = JSON.parse(read(out, 'available-free-models.json'));
      const defaults = JSON.parse(read(out, 'default-pools.json'));
      expect(Object.keys(available.pools)).toEqual(['small', 'large', 'vision']);
      expect(defaults.tiers).toEqual(available.pools);
      expect(defaults.source).toBe(name);
      expect(defaults.generatedAt).toBeUndefined();
      for (const m of available.models) {
        expect(Object.keys(m)).toEqual(expect.arrayContaining(['id', 'name', 'contextLength', 'maxCompletionTokens', 'vision', 'structuredOutputs', 'responseFormat', 'tiers', 'score', 'expirationDate']));
        expect(defaults.models[m.id]).toEqual({
          id: m.id, name: m.name, contextLength: m.contextLength, maxCompletionTokens: m.maxCompletionTokens,
          vision: m.vision, structuredOutputs: m.structuredOutputs, responseFormat: m.responseFormat,
          ...(m.reasoning ? { reasoning: m.reasoning } : {}),
          score: m.score, ...(m.specialty ? { specialty: m.specialty } : {}),
        });
      }
      const bytes = [read(out, 'available-free-models.json'), read(out, 'default-pools.json')];
      const again = await discover(['--catalog', `${SHARED_DIR}/${name}`, '--out', out, '--now', now]);
      expect(again.code).toBe(0);
      expect([read(out, 'available-free-models.json'), read(out, 'default-pools.json')]).toEqual(bytes);
    });
  }

  it('the newest snapshot lists the traps it left out, with why', async () => {
    const r = await discover(['--catalog', NEWEST_SNAPSHOT, '--dry-run', '--now', NOW]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/openrouter\/free: OpenRouter router or stealth model/);
    expect(r.stdout).toMatch(/google\/lyria-3-pro-preview: no :free suffix/);
    expect(r.stdout).toMatch(/371 catalog entries from models-2026-05-01\.json, 29 free/);
  });

  it('the newest snapshot names each specialist it ranked last, with the sign that made it one', async () => {
    const r = await discover(['--catalog', NEWEST_SNAPSHOT, '--dry-run', '--now', NOW]);
    expect(r.stdout).toMatch(/Specialists, ranked after the general models of their tier \(4\):/);
    expect(r.stdout).toMatch(/qwen\/qwen3-coder:free: coding model \(name word "coder"\)/);
    expect(r.stdout).toMatch(/poolside\/laguna-m\.1:free: coding model \(description: "coding agent"\)/);
    expect(r.stdout).toMatch(/baidu\/qianfan-ocr-fast:free: OCR model \(name word "ocr"\)/);
  });

  it('the committed files are what pool:discover writes from the newest snapshot', async () => {
    // Any date after the snapshot's two expiring models left (2026-05-08) writes the same bytes.
    const out = join(tmp.dir, 'committed');
    const r = await discover(['--catalog', NEWEST_SNAPSHOT, '--out', out, '--now', '2026-11-01']);
    expect(r.code, r.stderr).toBe(0);
    const regenerate = 'regenerate with: bun run pool:discover --catalog ../shared/fixtures/openrouter-catalog/models-2026-05-01.json';
    expect(read(REPO_ROOT, 'available-free-models.json'), regenerate).toBe(read(out, 'available-free-models.json'));
    expect(read(REPO_ROOT, 'packages/free-model-pool/src/catalog/default-pools.json'), regenerate).toBe(read(out, 'default-pools.json'));
  });
});

describe.skipIf(!snapshotsPresent)('pool:discover: file and HTTP give the same pools', () => {
  let sim: Simulator;
  const tmp = tempDir('discover-http');
  beforeAll(async () => {
    sim = await startSimulator({ catalog: NEWEST_SNAPSHOT, port: 0 });
  });
  afterAll(async () => {
    await sim.close();
    tmp.cleanup();
  });

  it('honours OPENROUTER_BASE_URL and matches --catalog except for the recorded source', async () => {
    const viaHttp = await discover(['--out', join(tmp.dir, 'http'), '--now', NOW], { OPENROUTER_BASE_URL: sim.baseURL });
    expect(viaHttp.code, viaHttp.stderr).toBe(0);
    const viaFile = await discover(['--catalog', NEWEST_SNAPSHOT, '--out', join(tmp.dir, 'file'), '--now', NOW]);
    expect(viaFile.code).toBe(0);
    const http = JSON.parse(read(join(tmp.dir, 'http'), 'available-free-models.json'));
    const file = JSON.parse(read(join(tmp.dir, 'file'), 'available-free-models.json'));
    expect(http.source).toBe(`${sim.baseURL}/models`);
    expect(file.source).toBe('models-2026-05-01.json');
    expect(http.pools).toEqual(file.pools);
    expect(http.models).toEqual(file.models);
    const defaults = (dir: string) => ({ ...JSON.parse(read(join(tmp.dir, dir), 'default-pools.json')), source: undefined });
    expect(defaults('http')).toEqual(defaults('file'));
    expect(http.models.filter((m: { specialty?: string }) => m.specialty).length).toBeGreaterThan(0);
    expect(sim.stats().total).toBe(0); // reading the catalog is not a model call
  });
});

describe('pool:discover: bad input', () => {
  const tmp = tempDir('discover-bad');
  afterAll(() => tmp.cleanup());

  it('skips malformed entries with warnings that name them and still writes the rest', async () => {
    const file = join(tmp.dir, 'partly-broken.json');
    writeFileSync(
      file,
      JSON.stringify({
        data: [
          { id: 'ok/model-8b:free', name: 'OK 8B', context_length: 8192, architecture: { input_modalities: ['text'], output_modalities: ['text'] }, pricing: { prompt: '0', completion: '0' } },
          { id: 'broken/pricing:free', name: 'Broken', context_length: 8192, architecture: {}, pricing: 'free' },
          { name: 'no id', pricing: { prompt: '0', completion: '0' } },
        ],
      }),
    );
    const r = await discover(['--catalog', file, '--out', join(tmp.dir, 'out'), '--now', NOW]);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/warning: catalog entry "broken\/pricing:free" \(#1\) skipped: pricing/);
    expect(r.stderr).toMatch(/warning: catalog entry #2 skipped/);
    expect(JSON.parse(read(join(tmp.dir, 'out'), 'available-free-models.json')).pools.small).toEqual(['ok/model-8b:free']);
  });

  it.each([
    ['HTML', '<html><body>Bad gateway</body></html>', /not JSON: got HTML or XML: "<html><body>Bad gateway/],
    ['{}', '{}', /not an OpenRouter catalog.*got an empty object/],
    ['numbers', '[1,2,3]', /an array of numbers: \[1,2,3\]/],
    ['invalid JSON', '{"data": [', /not JSON: got invalid JSON/],
  ])('a catalog that is %s is a clear error, exit 1, nothing written', async (_label, content, message) => {
    const file = join(tmp.dir, 'bad.json');
    writeFileSync(file, content);
    const out = join(tmp.dir, 'never');
    const r = await discover(['--catalog', file, '--out', out]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
    expect(() => read(out, 'available-free-models.json')).toThrow();
  });

  it('a missing file and a bad option are clear errors', async () => {
    expect((await discover(['--catalog', join(tmp.dir, 'nope.json')])).stderr).toMatch(/Cannot read the catalog file .*nope\.json: ENOENT/);
    const bad = await discover(['--bogus']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/Unknown option '--bogus'[\s\S]*Usage: bun run pool:discover/);
  });
});

describe.skipIf(!snapshotsPresent)('pool:discover as a child process', () => {
  const tmp = tempDir('discover-cli');
  afterAll(() => tmp.cleanup());

  it('runs with bun and exits 0', async () => {
    const r = await runScript('pool-discover.ts', ['--catalog', NEWEST_SNAPSHOT, '--out', tmp.dir, '--now', NOW], {});
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/Wrote .*available-free-models\.json and .*default-pools\.json/);
    expect(JSON.parse(read(tmp.dir, 'default-pools.json')).tiers.large).toContain('nousresearch/hermes-3-llama-3.1-405b:free');
  });
});

describe('pool:discover with a wrong OPENROUTER_BASE_URL', () => {
  let sim: Simulator;
  beforeAll(async () => {
    sim = await startSimulator({});
  });
  afterAll(async () => {
    await sim?.close();
  });

  it('names the setting when it is not an http(s) URL, and hints at /api/v1 when the path lacks it', async () => {
    const notUrl = await discover(['--dry-run'], { OPENROUTER_BASE_URL: 'openrouter.ai/api/v1' });
    expect(notUrl.code).toBe(1);
    // The plugin's own parser and message: the script refuses what the agent would refuse.
    expect(notUrl.stderr).toMatch(/OPENROUTER_BASE_URL: expected an http\(s\) URL such as https:\/\/openrouter\.ai\/api\/v1, got "openrouter\.ai\/api\/v1"/);
    const noPath = await discover(['--dry-run'], { OPENROUTER_BASE_URL: sim.baseURL.replace(/\/api\/v1$/, '') });
    expect(noPath.code).toBe(1);
    expect(noPath.stderr).toMatch(/HTTP 404[\s\S]*Check OPENROUTER_BASE_URL: it must include \/api\/v1/);
    expect(noPath.stderr).not.toMatch(/\n\s+at /);
  });
});
