/**
 * The "Free models" panel as a person sees it, and `pool:status --agent`, against the agent that
 * `bun run start` runs (the project's character on @elizaos/server). The OpenRouter simulator runs
 * in this test, so the test can inject an upstream 429; the agent is pointed at it with a fake key.
 * The browser is Debian's chromium driven by playwright-core; every request off loopback is refused.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { startSimulator, type Simulator } from '@freepool/openrouter-simulator';
import { chromium, type Browser, type FrameLocator, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../pool-status.js';
import { memoryIo } from '../lib/io.js';
import { freePort, startAgentProcess, type AgentProcess } from './agent-process.js';
import { createSession, sendHttp } from './messaging.js';
import { CHROMIUM_ARGS, CHROMIUM_MISSING, CHROMIUM_PATH, chromiumPresent } from './chromium.js';
import { FAKE_KEY, REPO_ROOT, runScript } from './helpers.js';

const OUTPUT_DIR = path.join(REPO_ROOT, '.test-output', 'panel');
const SCREENSHOT = path.join(OUTPUT_DIR, 'free-models-panel.png');
/** The panel page alone, its whole height. */
const SCREENSHOT_FULL = path.join(OUTPUT_DIR, 'free-models-panel-full.png');
const DAILY_USED_BEFORE = 5;
const inCi = process.env.CI === 'true';
if (!chromiumPresent && !inCi) console.warn(`${CHROMIUM_MISSING}; the browser test of the Free models panel is skipped`);

let sim: Simulator;
let agent: AgentProcess;

beforeAll(async () => {
  sim = await startSimulator({ scenario: { seed: 7, latencyMs: [20, 80], account: { daily: 50, dailyUsed: DAILY_USED_BEFORE } } });
  // A long first cooldown, so the countdown is still running when the test looks at it.
  agent = await startAgentProcess({ OPENROUTER_API_KEY: FAKE_KEY, OPENROUTER_BASE_URL: sim.baseURL, OPENROUTER_COOLDOWN_MS: '300000' });
}, 300_000);

afterAll(async () => {
  await agent?.stop();
  await sim?.close();
}, 30_000);

async function status(): Promise<any> {
  const res = await fetch(`${agent.url}/api/agents/${agent.agentId}/plugins/openrouter-free/status?agentId=${agent.agentId}`);
  return res.json();
}

/** The model ids the simulator answered 429 for. */
const rateLimited = () => sim.stats().calls.filter((c) => String(c.status) === '429').map((c) => c.model);

describe.skipIf(!chromiumPresent && !inCi)('the Free models panel in the ElizaOS web client (headless Chromium)', () => {
  let browser: Browser | undefined;
  let page: Page;
  let panel: FrameLocator;

  afterAll(async () => {
    await browser?.close();
  });

  /** Types a message in the web chat and waits for the agent's reply (the simulator signs it with the model). */
  async function chat(text: string): Promise<string> {
    const replies = page.getByText(/^Simulated reply from /);
    const before = await replies.count();
    await page.getByPlaceholder('Type your message here...').fill(text);
    await page.keyboard.press('Enter');
    await expect.poll(() => replies.count(), { timeout: 60_000 }).toBeGreaterThan(before);
    return (await replies.last().textContent())!;
  }

  it(
    'shows the serving model, the cooled model with its countdown and the day, after a few messages and an upstream 429',
    async () => {
      if (!chromiumPresent) throw new Error(`${CHROMIUM_MISSING}. CI must run this test: .ci/run installs chromium.`);
      browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
      const context = await browser.newContext({ viewport: { width: 1600, height: 1000 } });
      // Loopback only: the client also asks GitHub for a plugin registry and releases.
      await context.route('**/*', (route) => (new URL(route.request().url()).hostname === '127.0.0.1' ? route.continue() : route.abort()));
      page = await context.newPage();
      await page.goto(`${agent.url}/chat/${agent.agentId}`);

      await chat('Hello! Who are you?');
      sim.failNext('*', 'upstream_429'); // the next model call of the agent meets a busy model
      await chat('What can you do?');
      const lastReply = await chat('Thanks, one more question: what time is it?');
      const served = /^Simulated reply from (\S+): /.exec(lastReply)![1]!;
      const [cooled] = rateLimited();
      expect(cooled, 'the injected 429 was served').toBeTruthy();

      // The agent's side panel, its "Free models" tab.
      await page.locator('button:has(svg.lucide-panel-right), button:has(svg.lucide-panel-right-open)').first().click();
      await page.getByRole('tab', { name: 'Free models' }).click();
      panel = page.frameLocator('iframe[title="Free models"]');

      await expect.poll(() => panel.locator('#mode').textContent(), { timeout: 15_000 }).toBe('simulator');
      await expect.poll(() => panel.locator('#notice').textContent()).toContain(`local OpenRouter simulator at ${sim.baseURL}`);

      // The cooled model: "cooling", with a countdown that runs.
      const cooledRow = panel.locator(`ol.models li[data-model="${cooled}"]`).first();
      await expect.poll(() => cooledRow.getAttribute('data-state'), { timeout: 15_000 }).toBe('cooling');
      const countdown = cooledRow.locator('.countdown');
      const first = await countdown.textContent();
      expect(first).toMatch(/^in \d+ (s|min \d\d s)$/);
      expect(await cooledRow.textContent()).toContain('last failure: was rate limited upstream');
      await expect.poll(() => countdown.textContent(), { timeout: 5_000 }).not.toBe(first);

      // The model that answered the last reply, marked as serving its tier.
      await expect.poll(() => panel.locator('ol.models li.serving').evaluateAll((els) => els.map((e) => e.getAttribute('data-model'))), { timeout: 15_000 }).toContain(served);

      // The day: the simulator's count (5 before, plus every call, 429s included) out of 50.
      await expect
        .poll(async () => [(await panel.locator('#day .big').textContent())?.split(' used')[0], `${DAILY_USED_BEFORE + sim.stats().calls.length} / 50`], { timeout: 15_000 })
        .toSatisfy(([shown, expected]) => shown === expected);
      expect(await panel.locator('#day').textContent()).toMatch(/resets \d\d:\d\d.* your time \(\d\d:\d\d UTC\)/);

      // The attempt trail: the 429 marked as a failure before the model that answered.
      const failedStep = panel.locator('ol.requests .step.failed', { hasText: `${cooled} · 429 was rate limited upstream` });
      expect(await failedStep.count()).toBeGreaterThan(0);
      // The chart: the cooled model's rate-limited call.
      expect(await panel.locator(`#chart .chart-row[data-model="${cooled}"]`).getAttribute('title')).toMatch(/\b1 rate limited\b/);

      // Nothing the person sees holds the key.
      const frame = page.frames().find((f) => f.url().includes('/plugins/openrouter-free/panel'))!;
      expect(await frame.content()).not.toContain(FAKE_KEY);
      expect(await page.content()).not.toContain(FAKE_KEY);

      mkdirSync(OUTPUT_DIR, { recursive: true });
      // Wider, by the handle between chat and side panel, as a person would drag it; no toast over it.
      const handle = page.locator('[data-panel-resize-handle-id]').last();
      const box = await handle.boundingBox();
      if (box) {
        await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
        await page.mouse.down();
        await page.mouse.move(box.x - 250, box.y + box.height / 2, { steps: 10 });
        await page.mouse.up();
      }
      await page.getByText('Connection Restored').waitFor({ state: 'hidden', timeout: 10_000 }).catch(() => {});
      await page.screenshot({ path: SCREENSHOT });

      // The panel's own URL, as the client opens it in its iframe, at its full height.
      const alone = await context.newPage();
      await alone.setViewportSize({ width: 640, height: 900 });
      await alone.goto(`${agent.url}/api/agents/${agent.agentId}/plugins/openrouter-free/panel?agentId=${agent.agentId}`);
      await expect.poll(() => alone.locator(`ol.models li[data-model="${cooled}"]`).first().getAttribute('data-state'), { timeout: 15_000 }).toBe('cooling');
      await alone.screenshot({ path: SCREENSHOT_FULL, fullPage: true });
    },
    180_000,
  );
});

describe('pool:status --agent against the running agent', () => {
  async function poolStatus(argv: string[], env: Record<string, string | undefined> = {}) {
    const io = memoryIo();
    const code = await main(argv, env, io);
    return { code, stdout: io.stdout(), stderr: io.stderr(), all: io.stdout() + io.stderr() };
  }

  it('prints the panel as tables: the cooled model "in N s", the day, the reset in local time, the requests', async () => {
    // Independent of the browser test: a 429 of its own, then a message over the HTTP API.
    sim.failNext('*', 'upstream_429');
    await sendMessage('Hello from the status test');
    const s = await status();
    const cooling = Object.values(s.tiers)
      .flat()
      .find((m: any) => m.state === 'cooling') as { model: string };
    expect(cooling).toBeTruthy();

    const r = await poolStatus(['--agent', agent.url]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`FreePool (agent ${agent.agentId}) on ${agent.url}`);
    expect(r.stdout).toContain(`models from the OpenRouter simulator at ${sim.baseURL}`);
    expect(r.stdout).toMatch(new RegExp(`│ ${escape(cooling.model)}\\s*│ cooling\\s*│ in \\d+ (s|min \\d\\d s) \\(\\d\\d:\\d\\d:\\d\\d\\)\\s*│ was rate limited upstream`));
    expect(r.stdout).toMatch(/│ today\s*│ \d+ used of 50, \d+ left/);
    expect(r.stdout).toMatch(/│ resets\s*│ \d\d:\d\d local time \(\d\d:\d\d UTC\), in \d+ (h|min|s)/);
    expect(r.stdout).toMatch(/│ account window │ \d+ \/ 20 calls in this 60 s window/);
    expect(r.stdout).toContain('Recent requests (newest first)');
    expect(r.stdout).toMatch(new RegExp(`✕ ${escape(cooling.model)} 429 was rate limited upstream`));
    expect(r.stdout).toContain('Calls per model, last hour');
    expect(r.all).not.toContain(FAKE_KEY);
  });

  it('takes the agent id alone (on SERVER_PORT), and --json prints the raw status', async () => {
    const r = await poolStatus(['--agent', agent.agentId, '--json'], { SERVER_PORT: String(agent.port) });
    expect(r.code, r.stderr).toBe(0);
    const json = JSON.parse(r.stdout);
    expect(json).toMatchObject({ configured: true, simulator: true, baseURL: sim.baseURL, daily: { limit: 50 } });
    expect(Array.isArray(json.requests)).toBe(true);
    expect(r.all).not.toContain(FAKE_KEY);
  });

  it('runs as a child process', async () => {
    const r = await runScript('pool-status.ts', ['--agent', `${agent.url}/chat/${agent.agentId}`], {});
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('small tier');
    expect(r.stdout + r.stderr).not.toContain(FAKE_KEY);
  });

  it('says in one line when no agent server answers', async () => {
    const closed = `http://127.0.0.1:${await freePort()}`;
    const r = await poolStatus(['--agent', closed]);
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toMatch(new RegExp(`^pool:status: cannot reach the agent server at ${escape(closed)} \\(ECONNREFUSED\\): is \`bun run start\` running there\\?$`));
  });

  it('says in one line when the server has no such agent', async () => {
    const missing = '00000000-1111-4222-8333-444444444444';
    const r = await poolStatus(['--agent', `${agent.url}/chat/${missing}`]);
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toBe(`pool:status: no agent ${missing} on ${agent.url}; agents there: FreePool (${agent.agentId})`);
  });

  it('says in one line when the agent does not load the plugin, and asks which agent when there are several', async () => {
    // A second agent on the same server, without this plugin, created over the ElizaOS API.
    const created = await (
      await fetch(`${agent.url}/api/agents`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ characterJson: { name: 'NoPool', bio: ['An agent without the free-model plugin.'], plugins: ['@elizaos/plugin-sql'] } }),
      })
    ).json();
    const id = created.data.id as string;
    expect((await fetch(`${agent.url}/api/agents/${id}/start`, { method: 'POST' })).status).toBe(200);

    const r = await poolStatus(['--agent', `${agent.url}/chat/${id}`]);
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toBe(
      `pool:status: agent NoPool (${id}) does not load @freepool/plugin-openrouter-free (it has no openrouter-free status route): add the plugin to its character's plugins`,
    );
    const several = await poolStatus(['--agent', agent.url]);
    expect(several.code).toBe(1);
    expect(several.stderr.trim()).toMatch(/^pool:status: http:\/\/127\.0\.0\.1:\d+ runs 2 agents \(.*FreePool.*NoPool.*\): name one, e.g\. --agent [0-9a-f-]{36}$/);
  });

  it('rejects an --agent that is neither a URL nor an agent id, with the usage', async () => {
    const r = await poolStatus(['--agent', 'localhost']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^--agent must be the agent server's URL/);
    expect(r.stderr).toContain('Usage: bun run pool:status');
  });
});

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

/** One message over the ElizaOS messaging API, as start-agent.test.ts sends it. */
async function sendMessage(text: string): Promise<void> {
  const reply = await sendHttp(agent, await createSession(agent), text);
  expect(reply.text).toMatch(/^Simulated reply from /);
}
