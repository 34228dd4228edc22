import { createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** What the proxy does with one request; `undefined` forwards it to the target. */
export type ProxyRoute = (req: IncomingMessage, res: ServerResponse, body: Buffer) => boolean | void;

export interface TestProxy {
  baseURL: string;
  /** Requests seen, as `METHOD /path`. */
  seen: string[];
  close(): Promise<void>;
}

/**
 * A loopback proxy in front of the simulator, so one test can make a single endpoint misbehave
 * (the catalog unreachable, say) while chat completions still reach the simulator, or add an
 * endpoint the simulator does not have (`/embeddings`). Routes return true when they answered.
 */
export async function startProxy(targetURL: string, routes: Record<string, ProxyRoute> = {}): Promise<TestProxy> {
  const target = new URL(targetURL);
  const seen: string[] = [];
  const sockets = new Set<Socket>();
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const path = (req.url ?? '/').split('?')[0]!;
      seen.push(`${req.method} ${path}`);
      const route = routes[path];
      if (route && route(req, res, body)) return;
      const upstream = httpRequest(
        { host: target.hostname, port: target.port, path: req.url, method: req.method, headers: req.headers },
        (up) => {
          res.writeHead(up.statusCode ?? 502, up.headers);
          up.pipe(res);
        },
      );
      upstream.on('error', () => res.destroy());
      upstream.end(body);
    });
  });
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseURL: `http://127.0.0.1:${port}/api/v1`,
    seen,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const s of sockets) s.destroy();
      }),
  };
}

/** A route that drops the connection without an answer, as an unreachable host would. */
export const dropConnection: ProxyRoute = (req) => {
  req.socket.destroy();
  return true;
};
