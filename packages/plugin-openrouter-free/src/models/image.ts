import type { ImageDescriptionParams } from '@elizaos/core';
import { PoolConfigError } from '@freepool/free-model-pool';
import type { ServedBy } from '../model-types.js';
import { pooledHandler, type CallContext } from './pooled-handler.js';

/** Used when the caller sends only a URL. Asks for the same tags ElizaOS's imageDescriptionTemplate does. */
export const DEFAULT_IMAGE_PROMPT =
  'Describe this image. Answer as <response><title>a short title</title><description>a detailed description</description></response>.';

/** Longest title taken from a plain-text answer. */
const MAX_TITLE_LENGTH = 80;

/**
 * IMAGE_DESCRIPTION on the vision pool. Accepts `{imageUrl, prompt}` or a bare URL string (http(s)
 * or `data:image/...;base64,`). Unlike the official plugin it never returns an error dressed up as
 * a description: failures throw.
 */
export const imageHandler = pooledHandler({
  request: (_runtime, params: ImageDescriptionParams | string, { tier, priority, reasoningEffort }: CallContext<ServedBy<'image'>>) => ({
    tier,
    ...normalize(params),
    priority,
    reasoningEffort,
  }),
  call: (pool, request) => pool.describeImage(request),
  answer: (result) => parseImageDescription(result.text),
  usage: (result) => result.usage,
  // A bare URL string is handed on as the params object other plugins take.
  handOver: (params, { imageUrl, prompt }) => (typeof params === 'string' ? { imageUrl, prompt } : (params as unknown as Record<string, unknown>)),
});

function normalize(params: ImageDescriptionParams | string): { imageUrl: string; prompt: string } {
  const raw = typeof params === 'string' ? { imageUrl: params } : params;
  const imageUrl = raw && typeof raw === 'object' ? (raw as { imageUrl?: unknown }).imageUrl : undefined;
  if (typeof imageUrl !== 'string' || imageUrl.trim() === '') {
    throw new PoolConfigError(
      'imageUrl',
      'IMAGE_DESCRIPTION needs imageUrl: an http(s) URL or a data:image/...;base64, URL (pass {imageUrl, prompt} or the URL string)',
    );
  }
  const prompt = typeof raw.prompt === 'string' && raw.prompt.trim() !== '' ? raw.prompt : DEFAULT_IMAGE_PROMPT;
  return { imageUrl: imageUrl.trim(), prompt };
}

/**
 * Reads `<title>`, `<description>` and `<text>` (ElizaOS's template asks for all three; the detailed
 * `<text>` is appended to the description), then a JSON object with those keys, then `Title:` /
 * `Description:` lines, and at last treats the whole answer as the description with its first
 * sentence as the title.
 */
export function parseImageDescription(answer: string): { title: string; description: string } {
  const text = answer.trim();
  const tag = (name: string) => {
    const m = new RegExp(`<${name}>([\\s\\S]*?)</${name}>`, 'i').exec(text);
    return m?.[1]?.trim() || undefined;
  };
  const tagTitle = tag('title');
  // ElizaOS keeps only `description` of an object answer (it becomes the attachment's text), so the
  // template's detailed <text> follows the short <description> instead of being dropped.
  const summary = tag('description');
  const detail = tag('text');
  const tagDescription = summary && detail && detail !== summary ? `${summary}\n\n${detail}` : (summary ?? detail);
  if (tagTitle || tagDescription) {
    const description = tagDescription ?? stripTags(text);
    return { title: tagTitle ?? titleFrom(description), description };
  }

  const json = parseJsonObject(text);
  if (json && (typeof json.description === 'string' || typeof json.title === 'string')) {
    const description = typeof json.description === 'string' ? json.description.trim() : text;
    return { title: typeof json.title === 'string' && json.title.trim() ? json.title.trim() : titleFrom(description), description };
  }

  const titleLine = /^\s*\**title\**\s*:\s*(.+)$/im.exec(text)?.[1]?.trim();
  const descriptionMatch = /^\s*\**description\**\s*:\s*([\s\S]+)$/im.exec(text)?.[1]?.trim();
  if (titleLine || descriptionMatch) {
    const description = descriptionMatch ?? text;
    return { title: titleLine ?? titleFrom(description), description };
  }
  return { title: titleFrom(text), description: text };
}

function parseJsonObject(text: string): Record<string, unknown> | undefined {
  const body = text.replace(/^```(?:json)?\s*/i, '').replace(/```\s*$/, '').trim();
  if (!body.startsWith('{')) return undefined;
  try {
    const v: unknown = JSON.parse(body);
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function stripTags(text: string): string {
  return text.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ').trim();
}

/** The first sentence or line, cut to MAX_TITLE_LENGTH. */
function titleFrom(description: string): string {
  const first = description.split(/\n|(?<=[.!?])\s/)[0]?.replace(/[*#_`]/g, '').trim() || 'Image';
  return first.length > MAX_TITLE_LENGTH ? `${first.slice(0, MAX_TITLE_LENGTH - 1).trimEnd()}…` : first.replace(/[.!?]$/, '');
}
