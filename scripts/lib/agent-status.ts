import { UsageError, type Env } from './io.js';

/**
 * Reading a running agent's pool status over the ElizaOS REST API, for `pool:status --agent`.
 * Each failure is one line that names its cause: no server, no such agent, or no plugin.
 */

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;
/** Longest wait for each request to the agent server, ms. */
export const AGENT_TIMEOUT_MS = 15_000;

export interface AgentTarget {
  /** Origin of the agent server, e.g. http://127.0.0.1:3000. */
  server: string;
  agentId?: string;
}

export interface AgentRef {
  id: string;
  name: string;
  status?: string;
}

/** The status route's body (see packages/plugin-openrouter-free/src/routes/status.ts). */
export type AgentPoolStatus = Record<string, any> & { configured: boolean };

export class AgentStatusError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AgentStatusError';
  }
}

/**
 * `--agent` as given: the server's URL (any URL of it: a chat or panel URL names the agent too), or an
 * agent id on the server `bun run start` runs (127.0.0.1, SERVER_PORT or 3000).
 */
export function agentTarget(value: string, env: Env): AgentTarget {
  const v = value.trim();
  if (/^https?:\/\//i.test(v)) {
    let url: URL;
    try {
      url = new URL(v);
    } catch {
      throw new UsageError(`--agent: "${v}" is not a URL`);
    }
    const id = UUID.exec(url.pathname + url.search)?.[0];
    return { server: url.origin, ...(id ? { agentId: id.toLowerCase() } : {}) };
  }
  if (UUID.test(v) && UUID.exec(v)![0].length === v.length) {
    return { server: `http://127.0.0.1:${env.SERVER_PORT?.trim() || 3000}`, agentId: v.toLowerCase() };
  }
  throw new UsageError(`--agent must be the agent server's URL (e.g. http://localhost:3000) or an agent id, got "${v}"`);
}

async function get(url: string, what: string): Promise<{ status: number; body: any }> {
  let res: Response;
  try {
    res = await fetch(url, { signal: AbortSignal.timeout(AGENT_TIMEOUT_MS), headers: { accept: 'application/json' } });
  } catch (e) {
    // Node puts the socket error in `cause`, bun on the error itself; the code alone says enough.
    const err = e as Error & { code?: string; cause?: { code?: string; message?: string } };
    const cause =
      err.name === 'TimeoutError' ? `no answer within ${AGENT_TIMEOUT_MS / 1000} s` : (err.cause?.code ?? err.code ?? err.cause?.message ?? err.message);
    throw new AgentStatusError(`cannot reach the agent server at ${new URL(url).origin} (${cause}): is \`bun run start\` running there?`);
  }
  const text = await res.text();
  try {
    return { status: res.status, body: JSON.parse(text) };
  } catch {
    throw new AgentStatusError(`${new URL(url).origin} is not an ElizaOS agent server: ${what} answered HTTP ${res.status} with no JSON`);
  }
}

const describe = (a: AgentRef) => `${a.name} (${a.id})`;

/** Picks the agent: the one named, else the server's only one. */
export async function findAgent(target: AgentTarget): Promise<AgentRef> {
  const { status, body } = await get(`${target.server}/api/agents`, 'GET /api/agents');
  const agents: AgentRef[] | undefined = body?.data?.agents;
  if (status !== 200 || !Array.isArray(agents)) {
    throw new AgentStatusError(`${target.server} is not an ElizaOS agent server: GET /api/agents answered HTTP ${status}`);
  }
  const list = agents.length ? agents.map(describe).join(', ') : 'none';
  if (target.agentId) {
    const agent = agents.find((a) => a.id.toLowerCase() === target.agentId);
    if (!agent) throw new AgentStatusError(`no agent ${target.agentId} on ${target.server}; agents there: ${list}`);
    return agent;
  }
  if (agents.length === 1) return agents[0]!;
  throw new AgentStatusError(
    agents.length === 0
      ? `no agent runs on ${target.server}`
      : `${target.server} runs ${agents.length} agents (${list}): name one, e.g. --agent ${agents[0]!.id}`,
  );
}

/** The agent's pool status from the plugin's route. */
export async function fetchAgentStatus(target: AgentTarget): Promise<{ agent: AgentRef; status: AgentPoolStatus }> {
  const agent = await findAgent(target);
  if (agent.status && agent.status !== 'active') {
    throw new AgentStatusError(`agent ${describe(agent)} is not running (status ${agent.status}): start it first`);
  }
  // ElizaOS routes plugin requests by ?agentId=; without it the first agent with the route answers.
  const url = `${target.server}/api/agents/${agent.id}/plugins/openrouter-free/status?agentId=${agent.id}`;
  const { status, body } = await get(url, 'the status route');
  if (status === 404 && body?.error?.code === 'AGENT_NOT_FOUND') {
    throw new AgentStatusError(`agent ${describe(agent)} is not running on ${target.server}: start it first`);
  }
  if (status === 404) {
    throw new AgentStatusError(
      `agent ${describe(agent)} does not load @freepool/plugin-openrouter-free (it has no openrouter-free status route): add the plugin to its character's plugins`,
    );
  }
  if (status !== 200 || typeof body?.configured !== 'boolean') {
    throw new AgentStatusError(`the status route of agent ${describe(agent)} answered HTTP ${status}: ${JSON.stringify(body).slice(0, 200)}`);
  }
  return { agent, status: body as AgentPoolStatus };
}
