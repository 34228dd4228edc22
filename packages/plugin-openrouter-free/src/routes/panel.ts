import { readFileSync } from 'node:fs';
import type { Route, RouteRequest, RouteResponse } from '@elizaos/core';

/**
 * The "Free models" panel of the ElizaOS web client. The server lists a plugin's GET routes that are
 * `public` and have a `name` at GET /api/agents/<id>/panels, and the client opens each in an iframe at
 * `/api/agents/<id>/plugins/openrouter-free/panel?agentId=<id>`. The page's script and style are
 * routes beside it (relative URLs from the page), so the panel needs nothing from a CDN and works offline.
 * The files live in ./panel/ next to this module: src/routes/panel/, and dist/panel/ beside the bundle (build.ts copies them).
 */
export const PANEL_NAME = 'Free models';

const FILES = {
  '/panel': { file: 'panel.html', type: 'text/html; charset=utf-8' },
  '/panel.js': { file: 'panel.js', type: 'application/javascript; charset=utf-8' },
  '/panel.css': { file: 'panel.css', type: 'text/css; charset=utf-8' },
} as const;

const cache = new Map<string, string>();

function read(file: string): string {
  let text = cache.get(file);
  if (text === undefined) {
    text = readFileSync(new URL(`./panel/${file}`, import.meta.url), 'utf8');
    cache.set(file, text);
  }
  return text;
}

function serve(path: keyof typeof FILES) {
  const { file, type } = FILES[path];
  return async (_req: RouteRequest, res: RouteResponse): Promise<void> => {
    res.setHeader?.('Content-Type', type);
    // The page is tiny and changes with the plugin: always revalidate, never a stale panel.
    res.setHeader?.('Cache-Control', 'no-cache');
    res.status(200).send(read(file));
  };
}

// Read now, while dist/ is as it was loaded (a rebuild empties it); a missing file fails its request only.
for (const { file } of Object.values(FILES)) {
  try {
    read(file);
  } catch {
    // served as a route error on request, naming the file
  }
}

export const panelRoutes: Route[] = [
  { type: 'GET', path: '/panel', public: true, name: PANEL_NAME, handler: serve('/panel') },
  { type: 'GET', path: '/panel.js', handler: serve('/panel.js') },
  { type: 'GET', path: '/panel.css', handler: serve('/panel.css') },
];
