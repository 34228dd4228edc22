/**
 * Never silent, end to end: `bun run start` against a simulator whose free tier allows 3 calls today,
 * and a conversation over @elizaos/server's messaging API as clients hold it (the default transport:
 * the message goes through the server's message bus, as the web chat's do). Past the cap every user
 * message still gets an agent message in the channel: the notice, with the reset time.
 */
import { startSimulator, type Simulator } from '@freepool/openrouter-simulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAgentProcess, type AgentProcess } from './agent-process.js';
import { createSession, postToSession, sendHttp, waitForAgentMessages } from './messaging.js';

const FAKE_KEY = 'sk-or-v1-FAKE-never-silent-0000-LEAKCHECK';
const NOTICE = /^The free models for this agent have used today's quota\. They answer again at 00:00 UTC \(in [^)]+\)\.$/;

let sim: Simulator;
let agent: AgentProcess;

describe('never silent: the messaging API after the daily cap', () => {
  beforeAll(async () => {
    sim = await startSimulator({ apiKey: FAKE_KEY, scenario: { account: { perMinute: 1000, daily: 3 } } });
    agent = await startAgentProcess({ OPENROUTER_API_KEY: FAKE_KEY, OPENROUTER_BASE_URL: sim.baseURL, OPENROUTER_MAX_WAIT_MS: '2000' });
  }, 240_000);
  afterAll(async () => {
    await agent?.stop();
    await sim?.close();
  });

  it('every user message gets an agent message in the channel; past the cap it is the notice', async () => {
    const sessionId = await createSession(agent);
    for (let i = 1; i <= 6; i++) {
      const sent = await postToSession(agent, sessionId, `message ${i}`);
      expect(sent.status, JSON.stringify(sent.body)).toBe(201);
      await waitForAgentMessages(agent, sessionId, i);
    }
    const messages = await waitForAgentMessages(agent, sessionId, 6);
    const replies = messages.filter((m) => m.isAgent).map((m) => m.content);
    expect(replies).toHaveLength(6);
    expect(replies.filter((r) => r.startsWith('Simulated reply from ')).length).toBeGreaterThanOrEqual(1);
    const notices = replies.filter((r) => NOTICE.test(r));
    expect(notices.length).toBeGreaterThanOrEqual(3);
    expect(replies.every((r) => r.startsWith('Simulated reply from ') || NOTICE.test(r))).toBe(true);
    expect(sim.stats().total).toBeLessThanOrEqual(3);
    expect(JSON.stringify(messages)).not.toContain(FAKE_KEY);
    expect(agent.output()).not.toContain(FAKE_KEY);
  }, 180_000);

  it('the HTTP transport answers with the notice too', async () => {
    const reply = await sendHttp(agent, await createSession(agent), 'still there?');
    expect(reply.status, JSON.stringify(reply.body)).toBe(201);
    expect(reply.text).toMatch(NOTICE);
  }, 60_000);
});
