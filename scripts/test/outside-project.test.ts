/**
 * Outside this repository, as a user meets the plugin: the publishable packages packed with plain
 * `npm pack`; a new project in a temporary folder in the ElizaOS CLI's project shape, installed with
 * npm by the README's own commands; the real `elizaos start --character` against the OpenRouter
 * simulator on loopback; messages through the messaging API, answered. Then the same project with
 * no OPENROUTER_API_KEY: one start-up warning, and the person gets the notice, never a 5xx.
 * On this machine's Node and on the newest LTS (`npx -y node@24`). The npm install uses the npm
 * registry (and npm's cache); everything else stays on loopback.
 * Prints its figures (install time, time to the first answer, calls made) per Node version.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startSimulator, type Simulator } from '@freepool/openrouter-simulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packedProblems, packWithNpm, publishablePackages } from '../lib/release.js';
import { acquireBuildLock, freePort } from './agent-process.js';
import { REPO_ROOT } from './helpers.js';
import { createSession, sendHttp } from './messaging.js';
import { sendAndAwaitReply, startAgent, START_COMMAND, type RunningAgent } from './outside/elizaos.js';
import { machineNode, NEWEST_LTS, npmNode, type NodeRuntime } from './outside/node-runtimes.js';
import { INSTALL_COMMANDS, installProject, README_TARBALL, writeCharacter, writeEnv } from './outside/project.js';

const FAKE_KEY = 'sk-or-v1-FAKE-outside-project-0000-LEAKCHECK';
const SIMULATED = /^Simulated reply from \S+:free/;
const NOTICE = /^This agent cannot answer yet: it has no OpenRouter API key\. Set OPENROUTER_API_KEY in the project's \.env file/;
const KEY_WARNING = 'OPENROUTER_API_KEY is not set: the agent starts';

// The install needs the npm registry; without it (an offline laptop) the test is skipped, but not in CI.
const registryReachable = spawnSync('npm', ['ping'], { encoding: 'utf8', timeout: 30_000 }).status === 0;
const REGISTRY_MISSING = 'the npm registry is not reachable (`npm ping` failed): the outside-project test installs from it, so it is skipped';
if (!registryReachable) {
  if (process.env.CI === 'true') throw new Error(`${REGISTRY_MISSING.split(':')[0]}, and under CI=true this test must run`);
  console.warn(REGISTRY_MISSING);
}

interface Figures {
  node: string;
  installSeconds: number;
  startToReadySeconds: number;
  firstAnswerSeconds: number;
  startToFirstAnswerSeconds: number;
  messagesAnswered: number;
  chatCalls: number;
  noKeyStartToReadySeconds: number;
  noKeyStatuses: number[];
  noKeyChatCalls: number;
}

const figures: Figures[] = [];
let tarball: string;
let packDir: string;
let sim: Simulator;

const seconds = (ms: number) => Math.round(ms / 100) / 10;

/** The sum of the simulator's chat calls (every status). */
const chatCalls = () => sim.stats().total;

describe.skipIf(!registryReachable)('outside the repository: npm pack, npm install, elizaos start', () => {
  beforeAll(async () => {
    packDir = mkdtempSync(path.join(tmpdir(), 'freepool-tarballs-'));
    // npm pack runs each package's prepack (a build that empties dist/): not while another test starts an agent from dist/.
    const release = await acquireBuildLock();
    try {
      for (const pkg of publishablePackages()) {
        const packed = packWithNpm(pkg, packDir);
        expect(packedProblems(packed), `${packed.name}'s tarball`).toEqual([]);
        if (packed.manifest.agentConfig) tarball = packed.file;
      }
    } finally {
      release();
    }
    expect(path.basename(tarball)).toBe(path.basename(README_TARBALL));
    sim = await startSimulator({ apiKey: FAKE_KEY, scenario: { seed: 11, account: { perMinute: 1000 } } });
  }, 600_000);

  afterAll(async () => {
    await sim?.close();
    if (packDir) rmSync(packDir, { recursive: true, force: true });
    if (figures.length) {
      console.log(`\noutside-project figures:\n${JSON.stringify(figures, null, 2)}`);
      const dir = path.join(REPO_ROOT, '.test-output', 'outside-project');
      mkdirSync(dir, { recursive: true });
      writeFileSync(path.join(dir, 'figures.json'), `${JSON.stringify(figures, null, 2)}\n`);
    }
  });

  it("the README gives exactly the commands this test runs", () => {
    const readme = readFileSync(path.join(REPO_ROOT, 'README.md'), 'utf8');
    for (const command of [...INSTALL_COMMANDS, START_COMMAND]) expect(readme, `README.md lacks \`${command}\``).toContain(command);
  });

  const runtimes: Array<() => NodeRuntime> = [machineNode];
  if (Number(process.versions.node.split('.')[0]) !== NEWEST_LTS) runtimes.push(() => npmNode(NEWEST_LTS));

  for (const getRuntime of runtimes) {
    const label = getRuntime === machineNode ? `this machine's Node (${process.version})` : `Node ${NEWEST_LTS} (npx -y node@${NEWEST_LTS})`;
    it(`on ${label}: installs with npm, answers through elizaos start, and without a key sends the notice`, async () => {
      const runtime = getRuntime();
      const project = await installProject(tarball, runtime);
      let agent: RunningAgent | undefined;
      try {
        writeCharacter(project.dir);
        const port = await freePort();
        const base = { OPENROUTER_BASE_URL: sim.baseURL, SERVER_PORT: String(port), SERVER_HOST: '127.0.0.1' };

        // With a key: every message answered by a free model of the simulator.
        writeEnv(project.dir, { OPENROUTER_API_KEY: FAKE_KEY, ...base });
        const callsBefore = chatCalls();
        agent = await startAgent(project.dir, port, runtime);
        const session = await createSession(agent);
        const first = await sendHttp(agent, session, 'Hello! What can you do?');
        const startToFirstAnswer = Date.now() - agent.startedAt;
        expect(first.status, `first message: ${JSON.stringify(first.body)}\n${agent.output().slice(-3000)}`).toBe(201);
        expect(first.text).toMatch(SIMULATED);
        const second = await sendHttp(agent, session, 'And a second question?');
        expect(second.status).toBe(201);
        expect(second.text).toMatch(SIMULATED);
        const third = await sendAndAwaitReply(agent, session, 'One more, through the message bus.');
        expect(third.status).toBe(201);
        expect(third.replies.at(-1)).toMatch(SIMULATED);
        // The web client's "Free models" panel and the status JSON behind it come with the package.
        const pluginRoute = (p: string) => `${agent!.url}/api/agents/${agent!.agentId}/plugins/openrouter-free/${p}?agentId=${agent!.agentId}`;
        const panel = await fetch(pluginRoute('panel'));
        expect(panel.status).toBe(200);
        expect(await panel.text()).toContain('panel.js');
        const status = await fetch(pluginRoute('status'));
        expect(status.status).toBe(200);
        expect(((await status.json()) as { configured?: boolean }).configured).toBe(true);
        const calls = chatCalls() - callsBefore;
        expect(calls).toBeGreaterThanOrEqual(3);
        expect(agent.output()).not.toContain(KEY_WARNING);
        expect(agent.output()).not.toContain(FAKE_KEY);
        const keyed = { readyMs: agent.readyMs };
        await agent.stop();
        agent = undefined;

        // No key: the agent starts with one warning, and each message gets the notice: HTTP 201, never a 5xx.
        writeEnv(project.dir, base);
        const noKeyCallsBefore = chatCalls();
        agent = await startAgent(project.dir, port, runtime);
        const noKeySession = await createSession(agent);
        const viaHttp = await sendHttp(agent, noKeySession, 'Hello?');
        expect(viaHttp.status, `no key, HTTP transport: ${JSON.stringify(viaHttp.body)}\n${agent.output().slice(-3000)}`).toBe(201);
        expect(viaHttp.text).toMatch(NOTICE);
        const viaBus = await sendAndAwaitReply(agent, noKeySession, 'Is anyone there?');
        expect(viaBus.status).toBe(201);
        expect(viaBus.replies.at(-1)).toMatch(NOTICE);
        expect(agent.output().split(KEY_WARNING).length - 1, 'start-up warnings about the missing key').toBe(1);
        expect(chatCalls() - noKeyCallsBefore).toBe(0);

        figures.push({
          node: `${runtime.label} ${runtime.version}`,
          installSeconds: seconds(project.installMs),
          startToReadySeconds: seconds(keyed.readyMs),
          firstAnswerSeconds: seconds(first.ms),
          startToFirstAnswerSeconds: seconds(startToFirstAnswer),
          messagesAnswered: 3,
          chatCalls: calls,
          noKeyStartToReadySeconds: seconds(agent.readyMs),
          noKeyStatuses: [viaHttp.status, viaBus.status],
          noKeyChatCalls: chatCalls() - noKeyCallsBefore,
        });
      } finally {
        await agent?.stop();
        rmSync(path.dirname(project.dir), { recursive: true, force: true });
      }
    }, 1_800_000);
  }
});
