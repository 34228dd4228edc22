/** Small HTTP helpers. Nothing here logs, and every body is scrubbed of the caller's key. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { WireError } from './wire-errors.js';

/** Bodies larger than this are refused (inline images make chat bodies big, but not this big). */
export const MAX_BODY_BYTES = 50 * 1024 * 1024;

export class BodyTooLarge extends Error {}

export function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY_BYTES) {
        reject(new BodyTooLarge());
        req.removeAllListeners('data');
        req.resume();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** The bearer token, or undefined when the header is missing, malformed or empty. */
export function bearerToken(req: IncomingMessage): string | undefined {
  const h = req.headers.authorization;
  if (typeof h !== 'string') return undefined;
  const m = /^Bearer\s+(.+)$/i.exec(h.trim());
  const token = m?.[1]?.trim();
  return token ? token : undefined;
}

/** Replaces the caller's key wherever it might have been echoed (e.g. pasted into a prompt). */
export function scrub(text: string, secret: string | undefined): string {
  return secret && secret.length >= 4 ? text.split(secret).join('[REDACTED]') : text;
}

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  secret: string | undefined,
  headers: Record<string, string> = {},
): void {
  if (res.headersSent || res.destroyed) return;
  const text = scrub(JSON.stringify(body), secret);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

export function sendWire(res: ServerResponse, wire: WireError, secret: string | undefined, extraHeaders: Record<string, string> = {}): void {
  sendJson(res, wire.status, wire.body, secret, { ...(wire.headers ?? {}), ...extraHeaders });
}
