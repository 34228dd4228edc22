/** Shared helpers for the simulator tests: real fetch over loopback, nothing stubbed. */
export const KEY = 'sk-or-v1-FAKE-test-key-0000';
export const SMALL = 'meta-llama/llama-3.2-3b-instruct:free';
export const VISION = 'google/gemma-3-27b-it:free';
export const LARGE = 'meta-llama/llama-3.3-70b-instruct:free';
export const PAID = 'openai/gpt-4o-mini';

export const authHeaders = (key = KEY) => ({ authorization: `Bearer ${key}`, 'content-type': 'application/json' });

export async function chat(baseURL: string, body: Record<string, unknown>, key: string | null = KEY) {
  const res = await fetch(`${baseURL}/chat/completions`, {
    method: 'POST',
    headers: key === null ? { 'content-type': 'application/json' } : authHeaders(key),
    body: JSON.stringify({ messages: [{ role: 'user', content: 'Say hello' }], ...body }),
  });
  const text = await res.text();
  let json: any;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, text, json };
}

/** Splits an SSE body into its comment lines and data payloads (in order). */
export function parseSse(text: string): { comments: string[]; data: string[]; events: any[] } {
  const comments: string[] = [];
  const data: string[] = [];
  for (const line of text.split('\n')) {
    if (line.startsWith(':')) comments.push(line);
    else if (line.startsWith('data: ')) data.push(line.slice(6));
  }
  const events = data.filter((d) => d !== '[DONE]').map((d) => JSON.parse(d));
  return { comments, data, events };
}

/** A chat call the client gives up on after `ms`: rejects when the simulator hangs, as it should. */
export function chatGivingUpAfter(baseURL: string, model: string, ms: number): Promise<Response> {
  return fetch(`${baseURL}/chat/completions`, {
    method: 'POST',
    headers: authHeaders(KEY),
    body: JSON.stringify({ model, messages: [{ role: 'user', content: 'hi' }] }),
    signal: AbortSignal.timeout(ms),
  });
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Sleeps until just after the next multiple of `windowMs`, so a test starts at a window's beginning. */
export async function alignToWindow(windowMs: number): Promise<void> {
  const now = Date.now();
  await sleep(Math.floor(now / windowMs) * windowMs + windowMs - now + 5);
}
