import { afterEach, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '@freepool/openrouter-simulator';
import { main } from '../pool-status.js';
import { memoryIo } from '../lib/io.js';
import { FAKE_KEY, runScript } from './helpers.js';

const NOW = Date.parse('2026-05-01T15:30:00Z');
let sim: Simulator | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

async function status(argv: string[], env: Record<string, string | undefined>) {
  const io = memoryIo();
  const code = await main(argv, env, io, () => NOW);
  return { code, stdout: io.stdout(), stderr: io.stderr(), all: io.stdout() + io.stderr() };
}

describe('pool:status', () => {
  it('on the 50/day tier: limit, used, remaining, reset at the next UTC midnight, and how to unlock 1000/day', async () => {
    sim = await startSimulator({ apiKey: FAKE_KEY, scenario: { account: { daily: 50, dailyUsed: 12 } } });
    const r = await status([], { OPENROUTER_API_KEY: FAKE_KEY, OPENROUTER_BASE_URL: sim.baseURL });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/daily free-model limit\s*│\s*50 requests\/day/);
    expect(r.stdout).toMatch(/used today\s*│\s*12\b/);
    expect(r.stdout).toMatch(/remaining today\s*│\s*38\b/);
    expect(r.stdout).toMatch(/resets at\s*│\s*2026-05-02T00:00:00\.000Z \(next UTC midnight, in 8h 30m\)/);
    expect(r.stdout).toMatch(/buy 10 credits once to unlock 1000\/day/);
    // One read of the key's status, and no model call.
    expect(sim.stats()).toMatchObject({ requests: 1, byEndpoint: { 'GET /api/v1/key': 1 }, total: 0 });
    expect(r.all).not.toContain(FAKE_KEY);
    expect(r.all).not.toContain('sk-or-v1-sim'); // not even the label the server echoes
  });

  it('on the 1000/day tier: nothing to unlock; --json gives the same facts', async () => {
    sim = await startSimulator({ apiKey: FAKE_KEY, scenario: { account: { daily: 1000, dailyUsed: 3, highBalance: true } } });
    const r = await status(['--json'], { OPENROUTER_API_KEY: FAKE_KEY, OPENROUTER_BASE_URL: sim.baseURL });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ dailyLimit: 1000, used: 3, remaining: 997, canUnlockHigherLimit: false, resetsAt: '2026-05-02T00:00:00.000Z' });
    expect(r.all).not.toContain(FAKE_KEY);
  });

  it('without a key: a clear message and exit 1, no call made', async () => {
    sim = await startSimulator({});
    const r = await status([], { OPENROUTER_BASE_URL: sim.baseURL });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/OPENROUTER_API_KEY is not set/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    // Nothing reached the server: not GET /key, not anything else.
    expect(sim.stats()).toMatchObject({ requests: 0, byEndpoint: {} });
  });

  it('with a key the server rejects: says so, exit 1, never prints the key', async () => {
    sim = await startSimulator({ apiKey: 'sk-or-v1-some-other-key-1111' });
    const r = await status([], { OPENROUTER_API_KEY: FAKE_KEY, OPENROUTER_BASE_URL: sim.baseURL });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/could not read the account status \[auth\]/);
    expect(r.stderr).toMatch(/Check OPENROUTER_API_KEY/);
    expect(r.all).not.toContain(FAKE_KEY);
  });

  it('with a base URL missing /api/v1 (GET /key answers 404): points at OPENROUTER_BASE_URL', async () => {
    sim = await startSimulator({ apiKey: FAKE_KEY });
    const r = await status([], { OPENROUTER_API_KEY: FAKE_KEY, OPENROUTER_BASE_URL: sim.baseURL.replace(/\/api\/v1$/, '') });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/Check OPENROUTER_BASE_URL: it must include \/api\/v1/);
    expect(r.all).not.toContain(FAKE_KEY);
  });

  it('runs as a child process', async () => {
    sim = await startSimulator({ apiKey: FAKE_KEY, scenario: { account: { daily: 50, dailyUsed: 49 } } });
    const r = await runScript('pool-status.ts', [], { OPENROUTER_API_KEY: FAKE_KEY, OPENROUTER_BASE_URL: sim.baseURL });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/remaining today\s*│\s*1\b/);
    expect(r.stdout + r.stderr).not.toContain(FAKE_KEY);
    sim.resetStats();
    const none = await runScript('pool-status.ts', [], { OPENROUTER_BASE_URL: sim.baseURL });
    expect(none.code).toBe(1);
    expect(none.stderr).toMatch(/OPENROUTER_API_KEY is not set/);
    expect(sim.stats().requests).toBe(0);
  });
});
