import type { Experimental_DownloadFunction as DownloadFunction, FilePart } from 'ai';
import { PoolConfigError } from '../errors.js';

const EXTENSION_TYPES: Record<string, string> = {
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  png: 'image/png',
  gif: 'image/gif',
  webp: 'image/webp',
};
/** OpenRouter accepts these four formats; anything else gets the default. */
export const DEFAULT_IMAGE_MEDIA_TYPE = 'image/jpeg';

const DATA_URL = /^data:(image\/[a-z0-9.+-]+);base64,[a-z0-9+/=\s]+$/i;

/** A validated image reference, ready to become a `file` prompt part. */
export interface ImageInput {
  url: string;
  mediaType: string;
}

/**
 * Checks `imageUrl` before any call: an http(s) URL or a `data:image/*;base64,` URL. Anything else is
 * a caller mistake that no model can fix, so it throws PoolConfigError instead of burning quota.
 */
export function parseImageUrl(imageUrl: unknown, maxBytes = Number.POSITIVE_INFINITY): ImageInput {
  if (typeof imageUrl !== 'string' || imageUrl.trim() === '') {
    throw new PoolConfigError('imageUrl', 'imageUrl must be an http(s) URL or a data:image/...;base64, URL, got an empty value');
  }
  const url = imageUrl.trim();
  const data = DATA_URL.exec(url);
  if (data) {
    const bytes = decodedBytes(url);
    if (bytes > maxBytes) {
      throw new PoolConfigError(
        'imageUrl',
        `imageUrl is a data URL of ${formatBytes(bytes)}, above the ${formatBytes(maxBytes)} an image may have (policy maxImageBytes, plugin setting OPENROUTER_MAX_IMAGE_BYTES); send a smaller image or an http(s) URL`,
      );
    }
    return { url, mediaType: data[1]!.toLowerCase() };
  }
  if (url.startsWith('data:')) {
    throw new PoolConfigError('imageUrl', `imageUrl must be a data:image/...;base64, URL when it is a data URL, got "${url.slice(0, 40)}…"`);
  }
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new PoolConfigError('imageUrl', `imageUrl must be an http(s) URL or a data:image/...;base64, URL, got "${url.slice(0, 80)}"`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new PoolConfigError('imageUrl', `imageUrl must use http(s) or be a data:image/...;base64, URL, got protocol "${parsed.protocol}"`);
  }
  const ext = /\.([a-z0-9]+)$/i.exec(parsed.pathname)?.[1]?.toLowerCase();
  return { url, mediaType: (ext && EXTENSION_TYPES[ext]) || DEFAULT_IMAGE_MEDIA_TYPE };
}

/** Bytes of the image a base64 data URL carries (4 characters hold 3 bytes, less the padding). */
function decodedBytes(dataUrl: string): number {
  const b64 = dataUrl.slice(dataUrl.indexOf(',') + 1).replace(/\s+/g, '');
  const padding = b64.endsWith('==') ? 2 : b64.endsWith('=') ? 1 : 0;
  return Math.floor((b64.length * 3) / 4) - padding;
}

function formatBytes(n: number): string {
  return n >= 1024 * 1024 ? `${(n / (1024 * 1024)).toFixed(1)} MB` : n >= 1024 ? `${Math.round(n / 1024)} KB` : `${n} bytes`;
}

/** Where an image came from, short enough for an error message (a data URL is not quoted whole). */
export function describeImageUrl(url: string): string {
  if (url.startsWith('data:')) return `the ${url.slice(5, url.indexOf(';'))} data URL (${formatBytes(decodedBytes(url))})`;
  return url.length > 200 ? `${url.slice(0, 200)}…` : url;
}

/** The user message content for an image request: text first (OpenRouter's advice), then the image. */
export function imageMessageContent(prompt: string, image: ImageInput): Array<{ type: 'text'; text: string } | FilePart> {
  return [
    { type: 'text', text: prompt },
    { type: 'file', mediaType: image.mediaType, data: image.url },
  ];
}

/**
 * The provider declares only `data:image/*;base64,` and http URLs ending in .jpg/.png/.gif/.webp as
 * supported; ai@7 downloads every other URL itself before the call (offline that is an
 * AI_DownloadError, online it moves the fetch from OpenRouter into our process). OpenRouter fetches
 * any http(s) image URL itself, so this download function returns `null` for every URL, which tells
 * ai to pass it through unchanged; the provider then sends it as `image_url`.
 */
export const passThroughImageUrls: DownloadFunction = async (requests) => requests.map(() => null);
