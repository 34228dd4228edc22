/**
 * Images in chat requests: `data:` URLs are decoded, http(s) URLs are fetched for real (loopback
 * only, so tests stay offline), and the reply says how many bytes arrived.
 */

export interface ImageInfo {
  bytes: number;
  mime: string;
}

export class ImageError extends Error {
  constructor(
    message: string,
    readonly metadata?: Record<string, unknown>,
  ) {
    super(message);
  }
}

export const IMAGE_FETCH_TIMEOUT_MS = 10_000;
const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]', '::1']);
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

function decodeDataUrl(url: string): ImageInfo {
  const m = /^data:([^;,]*)((?:;[^;,]*)*),(.*)$/s.exec(url);
  if (!m) throw new ImageError('Invalid image data URL: expected data:image/<type>;base64,<data>');
  const mime = (m[1] || 'text/plain').toLowerCase();
  if (!mime.startsWith('image/')) {
    throw new ImageError(`Invalid image data URL: "${mime}" is not an image type (expected image/png, image/jpeg, image/webp or image/gif)`);
  }
  const isBase64 = m[2]!.split(';').includes('base64');
  if (!isBase64) return { mime, bytes: Buffer.byteLength(decodeURIComponent(m[3]!)) };
  const data = m[3]!.replace(/\s+/g, '');
  if (data.length === 0 || data.length % 4 !== 0 || !BASE64.test(data)) {
    throw new ImageError('Invalid image data URL: the data is not valid base64');
  }
  return { mime, bytes: Buffer.from(data, 'base64').length };
}

async function fetchImage(url: string, signal?: AbortSignal): Promise<ImageInfo> {
  const fail = (reason: string) => new ImageError('Failed to fetch image', { reason });
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw fail('not a valid URL');
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw fail(`unsupported URL scheme ${parsed.protocol}`);
  if (!LOOPBACK.has(parsed.hostname) && !/^127\.\d+\.\d+\.\d+$/.test(parsed.hostname)) {
    throw fail('the simulator only fetches loopback URLs');
  }
  const timeout = AbortSignal.timeout(IMAGE_FETCH_TIMEOUT_MS);
  let res: Response;
  try {
    res = await fetch(parsed, { signal: signal ? AbortSignal.any([signal, timeout]) : timeout });
  } catch (err) {
    throw fail((err as Error).name === 'TimeoutError' ? 'timed out' : 'connection failed');
  }
  if (!res.ok) throw fail(`HTTP ${res.status}`);
  const mime = (res.headers.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
  const bytes = (await res.arrayBuffer()).byteLength;
  if (!mime.startsWith('image/')) throw fail(`content-type "${mime || 'none'}" is not an image`);
  return { mime, bytes };
}

export async function loadImage(url: string, signal?: AbortSignal): Promise<ImageInfo> {
  if (url.startsWith('data:')) return decodeDataUrl(url);
  return fetchImage(url, signal);
}
