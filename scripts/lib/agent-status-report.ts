import type { AgentPoolStatus, AgentRef } from './agent-status.js';
import { renderKeyValues, renderTable } from './table.js';

/**
 * What the "Free models" panel shows, as tables: the account window and the day, each tier's models
 * with their state, the recent requests with their attempt trails, and the calls per model. Times to
 * come read "in 42 s", counted from the status's own clock; clock times are local, with UTC beside.
 */

const TIERS = ['small', 'large', 'vision'] as const;

export function inDuration(ms: number): string {
  const s = Math.max(0, Math.ceil(ms / 1000));
  if (s < 90) return `in ${s} s`;
  if (s < 5400) return `in ${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`;
  return `in ${Math.floor(s / 3600)} h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')} min`;
}

const pad = (n: number) => String(n).padStart(2, '0');
/** HH:MM[:SS] in the machine's local time zone. */
export function localTime(ms: number, seconds = false): string {
  const d = new Date(ms);
  return `${pad(d.getHours())}:${pad(d.getMinutes())}${seconds ? `:${pad(d.getSeconds())}` : ''}`;
}
const utcTime = (ms: number) => `${new Date(ms).toISOString().slice(11, 16)} UTC`;
const took = (ms: number) => (ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`);

export function renderAgentStatus(agent: AgentRef, s: AgentPoolStatus, server: string): string {
  const head = `${agent.name} (agent ${agent.id}) on ${server}`;
  if (!s.configured) return `${head}\n${s.reason ?? 'OPENROUTER_API_KEY is not set'}: every model call fails until it is set.`;
  const now: number = s.at;
  const upstream = s.simulator ? `the OpenRouter simulator at ${s.baseURL} (canned answers, not a real model)` : s.baseURL;
  const parts = [`${head}\nmodels from ${upstream}`, account(s, now), ...TIERS.flatMap((t) => tier(s, t, now)), requests(s), calls(s)];
  return parts.filter(Boolean).join('\n\n');
}

function account(s: AgentPoolStatus, now: number): string {
  const a = s.account;
  const d = s.daily;
  const rows: Array<[string, string]> = [
    [
      'account window',
      `${a.sentInWindow} / ${a.limit} calls in this ${Math.round(a.windowMs / 1000)} s window; ` +
        (a.nextSlotAt > now ? `next slot ${inDuration(a.nextSlotAt - now)}` : 'a call can go now'),
    ],
  ];
  if (d.limit !== undefined && d.remaining !== undefined) rows.push(['today', `${d.limit - d.remaining} used of ${d.limit}, ${d.remaining} left`]);
  else rows.push(['today', 'not reported yet']);
  if (d.reserve !== undefined) rows.push(['reserve', `${d.reserve} calls held back`]);
  if (d.resetAt !== undefined) rows.push(['resets', `${localTime(d.resetAt)} local time (${utcTime(d.resetAt)}), ${inDuration(d.resetAt - now)}`]);
  if (d.exhaustedUntil !== undefined) rows.push(['daily limit', `reached: calls fail without a call until ${localTime(d.exhaustedUntil)} local time`]);
  return `Account\n${renderKeyValues(rows)}`;
}

function tier(s: AgentPoolStatus, name: (typeof TIERS)[number], now: number): string[] {
  const models: any[] = s.tiers?.[name] ?? [];
  if (models.length === 0) return [];
  const serving = (s.requests ?? []).find((r: any) => r.tier === name && r.ok)?.model;
  const rows = models.map((m, i) => {
    let state: string = m.state;
    let until = '';
    if (m.state === 'cooling') until = `${inDuration(m.cooldownUntil - now)} (${localTime(m.cooldownUntil, true)})`;
    else if (m.atCapacityUntil !== undefined) {
      state = 'at capacity';
      until = `${inDuration(m.atCapacityUntil - now)} (${m.learnedCapacityPerWindow} per window upstream)`;
    } else if (m.state === 'removed') until = 'until the catalog is refreshed';
    if (m.model === serving) state += ', serving';
    return [i + 1, m.model, state, until, m.lastReason ? (m.lastReasonText ?? m.lastReason) : ''];
  });
  return [`${name} tier\n${renderTable(['#', 'model', 'state', 'ready again', 'last failure'], rows)}`];
}

function requests(s: AgentPoolStatus): string {
  const list: any[] = s.requests ?? [];
  if (list.length === 0) return 'Recent requests: none yet';
  const step = (a: any) =>
    a.outcome === 'success'
      ? `✓ ${a.model} ${took(a.durationMs)}`
      : a.outcome === 'failed'
        ? `✕ ${a.model} ${a.status ?? ''} ${a.reasonText ?? a.reason ?? ''}`.replace(/\s+/g, ' ').trim()
        : `↷ ${a.model} skipped: ${a.message ?? a.reasonText ?? a.reason}`;
  const rows = list.map((r) => [
    localTime(r.at, true),
    r.tier,
    r.ok ? r.model : `FAILED: ${r.reasonText ?? r.reason ?? 'error'}`,
    took(r.durationMs),
    r.attempts.map(step).join('\n'),
  ]);
  return `Recent requests (newest first)\n${renderTable(['time', 'tier', 'served by', 'took', 'attempts'], rows)}`;
}

function calls(s: AgentPoolStatus): string {
  const models: any[] = s.callsLastHour?.models ?? [];
  if (models.length === 0) return '';
  const minutes = Math.round((s.callsLastHour.windowMs ?? 3_600_000) / 60_000);
  const rows = models.map((m) => [m.model, m.ok, m.rateLimited, m.failed]);
  return `Calls per model, last ${minutes === 60 ? 'hour' : `${minutes} min`}\n${renderTable(['model', 'answered', 'rate limited', 'failed'], rows, ['left', 'right', 'right', 'right'])}`;
}
