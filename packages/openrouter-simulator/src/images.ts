/**
 * Images in chat requests: `data:` URLs are decoded, http(s) URLs are fetched for real (loopback
 * only, so tests stay offline; an address on a private network is refused, as providers do), and
 * the reply says how many bytes arrived. What went wrong is an `ImageProblem`; each error dialect
 * words it its own way (dialects/refusals.ts).
 */
import type { ImageProblem } from './dialects/refusals.js';

export interface ImageInfo {
  bytes: number;
  mime: string;
}

export class ImageError extends Error {
  constructor(readonly problem: ImageProblem) {
    super(`image problem: ${problem.kind}`);
  }
}

export const IMAGE_FETCH_TIMEOUT_MS = 10_000;
const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]', '::1']);
/** RFC 1918, link-local and unique-local addresses: what providers refuse to fetch. */
const PRIVATE_NETWORK = /^(10\.\d+\.\d+\.\d+|192\.168\.\d+\.\d+|172\.(1[6-9]|2\d|3[01])\.\d+\.\d+|169\.254\.\d+\.\d+|\[f[cd][0-9a-f]*:.*\]|\[fe80:.*\])$/i;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

function decodeDataUrl(url: string): ImageInfo {
  const bad = (why: string) => new ImageError({ kind: 'bad_data_url', why });
  const m = /^data:([^;,]*)((?:;[^;,]*)*),(.*)$/s.exec(url);
  if (!m) throw bad('expected data:image/<type>;base64,<data>');
  const mime = (m[1] || 'text/plain').toLowerCase();
  if (!mime.startsWith('image/')) throw bad(`"${mime}" is not an image type (expected image/png, image/jpeg, image/webp or image/gif)`);
  const isBase64 = m[2]!.split(';').includes('base64');
  if (!isBase64) return { mime, bytes: Buffer.byteLength(decodeURIComponent(m[3]!)) };
  const data = m[3]!.replace(/\s+/g, '');
  if (data.length === 0 || data.length % 4 !== 0 || !BASE64.test(data)) {
    throw bad('the data is not valid base64');
  }
  return { mime, bytes: Buffer.from(data, 'base64').length };
}

async function fetchImage(url: string, signal?: AbortSignal): Promise<ImageInfo> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ImageError({ kind: 'bad_url', url, why: 'not a valid URL' });
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new ImageError({ kind: 'bad_url', url, why: `unsupported URL scheme ${parsed.protocol}` });
  if (PRIVATE_NETWORK.test(parsed.hostname)) throw new ImageError({ kind: 'private_network', url });
  if (!LOOPBACK.has(parsed.hostname) && !/^127\.\d+\.\d+\.\d+$/.test(parsed.hostname)) {
    throw new ImageError({ kind: 'unreachable', url, why: 'the simulator only fetches loopback URLs' });
  }
  const timeout = AbortSignal.timeout(IMAGE_FETCH_TIMEOUT_MS);
  let res: Response;
  try {
    res = await fetch(parsed, { signal: signal ? AbortSignal.any([signal, timeout]) : timeout });
  } catch (err) {
    throw new ImageError({ kind: 'unreachable', url, why: (err as Error).name === 'TimeoutError' ? 'timed out' : 'connection failed' });
  }
  if (!res.ok) {
    await res.body?.cancel().catch(() => {});
    throw new ImageError({ kind: 'status', url, status: res.status });
  }
  const mime = (res.headers.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
  const bytes = (await res.arrayBuffer()).byteLength;
  if (!mime.startsWith('image/')) throw new ImageError({ kind: 'not_image', url, contentType: mime });
  return { mime, bytes };
}

export async function loadImage(url: string, signal?: AbortSignal): Promise<ImageInfo> {
  if (url.startsWith('data:')) return decodeDataUrl(url);
  return fetchImage(url, signal);
}
