/**
 * Whether the pool talks to a loopback address. OpenRouter is never on loopback, so that is the
 * project's simulator (what `bun run start` uses without a key) or a local stand-in like it: its
 * answers are not a real model's, and the panel must say so.
 */
export function isLoopbackUrl(url: string): boolean {
  let host: string;
  try {
    host = new URL(url).hostname.toLowerCase();
  } catch {
    return false;
  }
  host = host.replace(/^\[|\]$/g, '');
  return host === 'localhost' || host.endsWith('.localhost') || host === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}
