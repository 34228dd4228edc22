import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { PoolConfigError } from '@freepool/free-model-pool';
import { callsTo, PNG_DATA_URL, startHarness, VISION, type Harness } from './helpers.js';

let h: Harness | undefined;
let imageServer: Server | undefined;
afterEach(async () => {
  await h?.sim.close();
  h = undefined;
  await new Promise<void>((r) => (imageServer ? imageServer.close(() => r()) : r()));
  imageServer = undefined;
});

const PNG_BYTES = Buffer.from(PNG_DATA_URL.split(',')[1]!, 'base64');

describe('image description', () => {
  it('sends a data: URL to a vision model and skips the text-only one without a call', async () => {
    h = await startHarness();
    const r = await h.pool.describeImage({ tier: 'vision', prompt: 'Describe this image', imageUrl: PNG_DATA_URL });
    expect(r.model).toBe(VISION[1]);
    expect(r.attempts[0]).toMatchObject({ model: VISION[0], outcome: 'skipped', reason: 'unsupported_input' });
    expect(callsTo(h.sim, VISION[0])).toBe(0);
    // The simulator decoded the image it received: the bytes reached the model.
    expect(r.value.text).toContain(`An image of ${PNG_BYTES.length} bytes (image/png)`);
  });

  it('passes an http URL without an image extension through for OpenRouter to fetch', async () => {
    const userAgents: string[] = [];
    imageServer = createServer((req, res) => {
      userAgents.push(String(req.headers['user-agent'] ?? ''));
      res.writeHead(200, { 'content-type': 'image/png' });
      res.end(PNG_BYTES);
    });
    await new Promise<void>((r) => imageServer!.listen(0, '127.0.0.1', () => r()));
    const url = `http://127.0.0.1:${(imageServer.address() as AddressInfo).port}/media/12345`;

    h = await startHarness();
    const r = await h.pool.describeImage({ tier: 'vision', prompt: 'Describe this image', imageUrl: url });
    expect(r.value.text).toContain(`An image of ${PNG_BYTES.length} bytes`);
    // Fetched once, by the server, not downloaded by the AI SDK in our process first.
    expect(userAgents).toHaveLength(1);
    expect(userAgents[0]).not.toMatch(/ai-sdk/);
  });

  it('rejects an imageUrl that is neither http(s) nor a data:image URL, naming the field, without a call', async () => {
    h = await startHarness();
    for (const bad of ['ftp://example.com/a.png', 'not a url', 'data:text/plain;base64,aGVsbG8=']) {
      const err = await h.pool.describeImage({ tier: 'vision', prompt: 'x', imageUrl: bad }).catch((e) => e);
      expect(PoolConfigError.isInstance(err)).toBe(true);
      expect(err.setting).toBe('imageUrl');
      expect(err.message).toMatch(/imageUrl must/);
    }
    expect(h.sim.stats().total).toBe(0);
  });
});
