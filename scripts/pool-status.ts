/**
 * `bun run pool:status` — the account's free-model standing from GET /api/v1/key: daily limit,
 * used, remaining, reset time, and whether buying credits would raise the limit. Never prints the key.
 * With `--agent`, a running agent's pool instead: what its "Free models" panel shows, as tables.
 */
import { FreeModelPoolError, fetchKeyStatus, nextUtcMidnight, redactSecrets, type KeyStatus } from '@freepool/free-model-pool';
import { AgentStatusError, agentTarget, fetchAgentStatus } from './lib/agent-status.js';
import { renderAgentStatus } from './lib/agent-status-report.js';
import { parseCli, parseOrExit } from './lib/args.js';
import { apiKeyFrom, baseUrlFrom, missingKeyMessage } from './lib/env.js';
import { type Env, processIo, runCli, type ScriptIo } from './lib/io.js';
import { renderKeyValues } from './lib/table.js';

/** OpenRouter's free-model daily caps (docs, Aug 2026): below / at 10 credits ever purchased. */
export const FREE_DAILY_LIMIT_LOW = 50;
export const FREE_DAILY_LIMIT_HIGH = 1000;
export const CREDITS_TO_UNLOCK = 10;
/** Longest wait for GET /key, ms. */
export const STATUS_TIMEOUT_MS = 15_000;

const USAGE = `Usage: bun run pool:status [--agent <url | agent id>] [--json]

Reads GET $OPENROUTER_BASE_URL/key with OPENROUTER_API_KEY and prints the free-model day:
limit, used, remaining, next reset (UTC midnight) and whether credits unlock the higher limit.

  --agent X    read a running agent's pool instead (no key needed): each tier's models and their
               state, the account window, the day, the recent requests and calls per model.
               X is the agent server's URL (http://localhost:3000; a URL with an agent id picks that
               agent), or an agent id on http://127.0.0.1:$SERVER_PORT (default 3000)
  --json       print the same facts as JSON (with --agent: the raw status)
  -h, --help   this text`;

export interface AccountStanding {
  dailyLimit?: number;
  used?: number;
  remaining?: number;
  resetsAt: string;
  /** True when the account is on the low (50/day) limit and 10 credits would unlock 1000/day. */
  canUnlockHigherLimit?: boolean;
  advice: string;
  creditLimit?: number | null;
  creditRemaining?: number | null;
  isFreeTier?: boolean;
}

export function standingOf(status: KeyStatus, now: number): AccountStanding {
  const daily = status.freeModelDaily;
  const limit = daily?.limit;
  const used = daily?.used ?? (limit !== undefined && daily?.remaining !== undefined ? limit - daily.remaining : undefined);
  const remaining = daily?.remaining ?? (limit !== undefined && used !== undefined ? Math.max(0, limit - used) : undefined);
  let canUnlock: boolean | undefined;
  let advice: string;
  if (limit === undefined) {
    advice =
      `The server did not report the free-model day. OpenRouter allows ${FREE_DAILY_LIMIT_LOW}/day, or ` +
      `${FREE_DAILY_LIMIT_HIGH}/day once ${CREDITS_TO_UNLOCK} credits have been bought.`;
  } else if (limit < FREE_DAILY_LIMIT_HIGH) {
    canUnlock = true;
    advice = `buy ${CREDITS_TO_UNLOCK} credits once to unlock ${FREE_DAILY_LIMIT_HIGH}/day`;
  } else {
    canUnlock = false;
    advice = `higher limit active (${limit}/day): credits were bought, nothing to unlock`;
  }
  return {
    dailyLimit: limit,
    used,
    remaining,
    resetsAt: new Date(nextUtcMidnight(now)).toISOString(),
    canUnlockHigherLimit: canUnlock,
    advice,
    creditLimit: status.creditLimit,
    creditRemaining: status.creditRemaining,
    isFreeTier: status.isFreeTier,
  };
}

function inHours(ms: number): string {
  const m = Math.max(0, Math.round(ms / 60_000));
  return `${Math.floor(m / 60)}h ${String(m % 60).padStart(2, '0')}m`;
}

export function renderStanding(s: AccountStanding, now: number): string {
  const n = (v: number | undefined) => (v === undefined ? 'unknown' : String(v));
  const rows: Array<[string, string]> = [
    ['daily free-model limit', s.dailyLimit === undefined ? 'unknown' : `${s.dailyLimit} requests/day`],
    ['used today', n(s.used)],
    ['remaining today', n(s.remaining)],
    ['resets at', `${s.resetsAt} (next UTC midnight, in ${inHours(Date.parse(s.resetsAt) - now)})`],
    ['higher limit', s.advice],
  ];
  if (s.creditLimit !== undefined) {
    rows.push(['key credit limit', s.creditLimit === null ? 'none' : `${s.creditLimit} (remaining ${s.creditRemaining ?? 'unknown'})`]);
  }
  return `OpenRouter account: free-model standing\n${renderKeyValues(rows)}`;
}

export async function main(argv: string[], env: Env, io: ScriptIo = processIo, now: () => number = Date.now): Promise<number> {
  const values = parseOrExit(io, USAGE, () => {
    const v = parseCli(argv, { agent: { type: 'string' }, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } });
    return { ...v, target: v.agent === undefined ? undefined : agentTarget(v.agent, env) };
  });
  if (typeof values === 'number') return values;
  if (values.target) return agentStatus(values.target, values.json === true, io);
  const apiKey = apiKeyFrom(env);
  if (!apiKey) {
    io.err(missingKeyMessage('pool:status (GET /api/v1/key)'));
    return 1;
  }
  try {
    const status = await fetchKeyStatus({ apiKey, baseURL: baseUrlFrom(env) }, AbortSignal.timeout(STATUS_TIMEOUT_MS));
    const standing = standingOf(status, now());
    io.out(values.json ? JSON.stringify(standing, null, 2) : renderStanding(standing, now()));
    return 0;
  } catch (e) {
    const reason = FreeModelPoolError.isInstance(e) ? ` [${e.reason}]` : '';
    const baseURL = baseUrlFrom(env);
    const hint =
      FreeModelPoolError.isInstance(e) && e.reason === 'auth'
        ? '\nCheck OPENROUTER_API_KEY: the server did not accept it.'
        : // A 404 on /key almost always means a base URL without /api/v1.
          FreeModelPoolError.isInstance(e) && e.status === 404 && !/\/api\/v1$/.test(baseURL)
          ? `\nCheck OPENROUTER_BASE_URL: it must include /api/v1 (got "${baseURL}").`
          : '';
    io.err(redactSecrets(`pool:status: could not read the account status${reason}: ${(e as Error).message}${hint}`, [apiKey]));
    return 1;
  }
}

/** `--agent`: the running agent's status route, as tables or raw JSON. */
async function agentStatus(target: ReturnType<typeof agentTarget>, json: boolean, io: ScriptIo): Promise<number> {
  try {
    const { agent, status } = await fetchAgentStatus(target);
    io.out(json ? JSON.stringify(status, null, 2) : renderAgentStatus(agent, status, target.server));
    return status.configured ? 0 : 1;
  } catch (e) {
    if (!(e instanceof AgentStatusError)) throw e;
    io.err(`pool:status: ${redactSecrets(e.message)}`);
    return 1;
  }
}

if (import.meta.main) await runCli(main);
