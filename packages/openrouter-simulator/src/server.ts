/** `startSimulator`: the HTTP server and the handle tests drive it with. */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { loadCatalog, type Catalog } from './catalog.js';
import { handleResponses } from './responses.js';
import { ChatHandler } from './chat.js';
import type { FailureKind } from './failure-queue.js';
import { bearerToken, sendJson, sendWire } from './http-util.js';
import { parseScenario, type Scenario } from './scenario.js';
import { SimState } from './state.js';
import type { SimulatorStats } from './stats.js';
import { wireError } from './wire-errors.js';

export interface SimulatorOptions {
  scenario?: Scenario;
  /** Path to a catalog JSON file, or the catalog itself. Default: DEFAULT_CATALOG_PATH. */
  catalog?: string | { data: unknown[] };
  /** Default 0 (any free port). */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** When set, any other bearer token gets 401 "User not found.". */
  apiKey?: string;
  /** The simulator's clock (epoch ms). Default Date.now. */
  now?: () => number;
}

export interface Simulator {
  /** `http://127.0.0.1:PORT` */
  url: string;
  /** `url + '/api/v1'`: what OpenRouter clients take as their base URL. */
  baseURL: string;
  stats(): SimulatorStats;
  resetStats(): void;
  /** Replaces the scenario; quotas, windows and the PRNG start afresh. Queued failures and stats stay. */
  setScenario(scenario: Scenario): void;
  /** Makes the next `count` calls to `model` (or to any model, with "*") fail with `kind`. */
  failNext(model: string, kind: FailureKind, count?: number): void;
  catalog(): Catalog;
  close(): Promise<void>;
}

const API = '/api/v1';

function keyInfo(state: SimState) {
  const daily = state.account.daily();
  return {
    data: {
      // The real label quotes part of the key; ours never does.
      label: 'sk-or-v1-sim...key',
      limit: null,
      limit_remaining: null,
      limit_reset: null,
      include_byok_in_limit: false,
      usage: 0,
      usage_daily: 0,
      usage_weekly: 0,
      usage_monthly: 0,
      byok_usage: 0,
      byok_usage_daily: 0,
      byok_usage_weekly: 0,
      byok_usage_monthly: 0,
      is_free_tier: !state.scenario.account?.highBalance && daily.limit <= 50,
      is_management_key: false,
      is_provisioning_key: false,
      creator_user_id: 'user_2SIMULATOR000000000000000',
      expires_at: null,
      rate_limit: { requests: 1000, interval: '1h', note: 'This field is deprecated and safe to ignore.' },
      free_model_daily_requests: { limit: daily.limit, remaining: daily.remaining, used: daily.used },
      allowed_data_regions: ['global'],
      organization_id: null,
      workspace_id: null,
    },
  };
}

export async function startSimulator(opts: SimulatorOptions = {}): Promise<Simulator> {
  const catalog = loadCatalog(opts.catalog);
  const known = (id: string) => catalog.data.some((m) => m.id === id);
  const state = new SimState(catalog, parseScenario(opts.scenario, known), opts.now ?? Date.now, opts.apiKey);
  const chat = new ChatHandler(state);

  const route = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const path = (req.url ?? '/').split('?')[0]!.replace(/\/+$/, '');
    state.stats.request(req.method ?? 'GET', path || '/');
    const token = bearerToken(req);
    if (path === `${API}/models` && req.method === 'GET') return sendJson(res, 200, state.catalog, token);
    if ((path === `${API}/key` || path === `${API}/auth/key`) && req.method === 'GET') {
      if (!token) return sendWire(res, wireError(401, 'Missing Authentication header'), token);
      if (state.apiKey !== undefined && token !== state.apiKey) return sendWire(res, wireError(401, 'User not found.'), token);
      return sendJson(res, 200, keyInfo(state), token);
    }
    if (path === `${API}/chat/completions`) {
      if (req.method !== 'POST') return sendWire(res, wireError(405, 'Method Not Allowed: use POST'), token);
      return chat.handle(req, res);
    }
    if (path === `${API}/responses`) {
      if (req.method !== 'POST') return sendWire(res, wireError(405, 'Method Not Allowed: use POST'), token);
      return handleResponses(state, req, res);
    }
    if (path.startsWith(API)) return sendWire(res, wireError(404, `Not Found: ${req.method} ${path}`), token);
    // Outside the API the real host serves its website: a base URL without /api/v1 gets an HTML page.
    return sendHtmlNotFound(res);
  };

  const sockets = new Set<Socket>();
  const server = createServer((req, res) => {
    route(req, res).catch(() => {
      // Never log: a request could carry the key. Answer with a generic 500 instead.
      if (!res.headersSent) sendWire(res, wireError(500, 'Internal simulator error'), undefined);
      else res.end();
    });
  });
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' || address.family === (6 as unknown) ? `[${address.address}]` : address.address;
  const url = `http://${host}:${address.port}`;
  let closing: Promise<void> | undefined;

  return {
    url,
    baseURL: `${url}${API}`,
    stats: () => state.stats.snapshot(),
    resetStats: () => state.stats.reset(),
    setScenario: (scenario) => state.applyScenario(parseScenario(scenario, known)),
    failNext: (model, kind, count = 1) => state.queue.push(model, kind, count),
    catalog: () => structuredClone(state.catalog),
    close: () =>
      (closing ??= new Promise<void>((resolve) => {
        state.wakeAll();
        server.close(() => resolve());
        for (const s of sockets) s.destroy();
      })),
  };
}

/** The website's 404 page, as long and as unhelpful as a real one. */
function sendHtmlNotFound(res: ServerResponse): void {
  const body = `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>404: This page could not be found</title>${'<link rel="preload" as="script" href="/_next/static/chunks/app.js">'.repeat(6)}</head><body><div id="__next"><h1>404</h1><h2>This page could not be found.</h2></div></body></html>`;
  res.writeHead(404, { 'Content-Type': 'text/html; charset=utf-8', 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
}
