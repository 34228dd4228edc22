import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '@freepool/openrouter-simulator';
import { SMALL, VISION, chat } from './helpers.js';

let sim: Simulator | undefined;
let imageServer: Server | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
  await new Promise<void>((r) => (imageServer ? imageServer.close(() => r()) : r()));
  imageServer = undefined;
});

// A 1x1 PNG.
const PNG_B64 = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';
const PNG = Buffer.from(PNG_B64, 'base64');

const imageMessage = (url: string) => [
  { role: 'user', content: [{ type: 'text', text: 'Describe this image' }, { type: 'image_url', image_url: { url } }] },
];

describe('JSON replies', () => {
  const schema = {
    type: 'object',
    properties: {
      title: { type: 'string' },
      count: { type: 'integer', minimum: 3 },
      mood: { enum: ['happy', 'sad'] },
      tags: { type: 'array', items: { type: 'string' } },
      nested: { type: 'object', properties: { ok: { type: 'boolean' } }, required: ['ok'] },
    },
    required: ['title', 'count', 'mood', 'tags', 'nested'],
    additionalProperties: false,
  };

  it('fills a json_schema', async () => {
    sim = await startSimulator();
    const r = await chat(sim.baseURL, { model: VISION, response_format: { type: 'json_schema', json_schema: { name: 'response', strict: true, schema } } });
    const value = JSON.parse(r.json.choices[0].message.content);
    expect(value).toEqual({ title: 'example', count: 3, mood: 'happy', tags: ['example', 'example'], nested: { ok: true } });
  });

  it('fills top-level arrays, $ref, anyOf and string formats', async () => {
    sim = await startSimulator();
    const arraySchema = {
      type: 'array',
      items: { $ref: '#/$defs/fact' },
      $defs: { fact: { type: 'object', properties: { claim: { type: 'string', format: 'email' }, score: { anyOf: [{ type: 'null' }, { type: 'number', maximum: 0.5 }] } } } },
    };
    const r = await chat(sim.baseURL, { model: VISION, response_format: { type: 'json_schema', json_schema: { name: 'facts', schema: arraySchema } } });
    expect(JSON.parse(r.json.choices[0].message.content)).toEqual([
      { claim: 'user@example.com', score: 0.5 },
      { claim: 'user@example.com', score: 0.5 },
    ]);
  });

  it('answers json_object and prompts that ask for JSON with parseable JSON', async () => {
    sim = await startSimulator();
    const a = await chat(sim.baseURL, { model: SMALL, response_format: { type: 'json_object' } });
    expect(() => JSON.parse(a.json.choices[0].message.content)).not.toThrow();
    const b = await chat(sim.baseURL, { model: SMALL, messages: [{ role: 'user', content: 'Reply in JSON please' }] });
    expect(() => JSON.parse(b.json.choices[0].message.content)).not.toThrow();
  });

  it('can send bad or fenced JSON', async () => {
    sim = await startSimulator({ scenario: { models: { [SMALL]: { fencedJson: true } } } });
    sim.failNext(SMALL, 'bad_json');
    const rf = { type: 'json_schema', json_schema: { name: 'r', schema } };
    const bad = await chat(sim.baseURL, { model: SMALL, response_format: rf });
    expect(() => JSON.parse(bad.json.choices[0].message.content)).toThrow();
    const fenced = await chat(sim.baseURL, { model: SMALL, response_format: rf });
    const content = fenced.json.choices[0].message.content as string;
    expect(content).toMatch(/^```json\n[\s\S]*\n```$/);
    expect(JSON.parse(content.slice(8, -4)).title).toBe('example');
    expect(sim.stats().calls.map((c) => c.kind)).toEqual(['bad_json', 'fenced_json']);
  });

  it('answers the ElizaOS <response> XML format when the prompt asks for it', async () => {
    sim = await startSimulator();
    const prompt = 'Respond using XML format like this:\n<response>\n  <thought>...</thought>\n  <actions>...</actions>\n  <text>...</text>\n</response>';
    const r = await chat(sim.baseURL, { model: SMALL, messages: [{ role: 'user', content: prompt }] });
    const content = r.json.choices[0].message.content as string;
    expect(content).toMatch(/<response>[\s\S]*<thought>[^<]+<\/thought>[\s\S]*<actions>REPLY<\/actions>[\s\S]*<text>Simulated reply from [^<]+<\/text>/);
    // A person chatting with the offline agent is told what they are looking at, not shown the template.
    expect(content).toContain('running offline on the OpenRouter simulator');
    expect(content).not.toContain('Respond using XML');
  });
});

describe('images', () => {
  it('decodes a data: URL and reports its size and type', async () => {
    sim = await startSimulator();
    const r = await chat(sim.baseURL, { model: VISION, messages: imageMessage(`data:image/png;base64,${PNG_B64}`) });
    expect(r.status).toBe(200);
    expect(r.json.choices[0].message.content).toBe(
      `<response><title>Simulated image</title><description>An image of ${PNG.length} bytes (image/png). Seen by ${VISION}.</description><text></text></response>`,
    );
  });

  it('fetches an http URL from a loopback server', async () => {
    let served = 0;
    imageServer = createServer((req, res) => {
      served++;
      if (req.url === '/cat.png') {
        res.writeHead(200, { 'content-type': 'image/png' });
        res.end(PNG);
      } else {
        res.writeHead(404).end();
      }
    });
    await new Promise<void>((r) => imageServer!.listen(0, '127.0.0.1', () => r()));
    const base = `http://127.0.0.1:${(imageServer.address() as AddressInfo).port}`;
    sim = await startSimulator();
    const ok = await chat(sim.baseURL, { model: VISION, messages: imageMessage(`${base}/cat.png`) });
    expect(ok.json.choices[0].message.content).toContain(`An image of ${PNG.length} bytes (image/png)`);
    expect(served).toBe(1);
    const missing = await chat(sim.baseURL, { model: VISION, messages: imageMessage(`${base}/missing.png`) });
    expect(missing.status).toBe(400);
    expect(missing.json.error.message).toBe('Failed to fetch image');
    expect(sim.stats().total).toBe(2);
  });

  it('refuses bad base64, non-image types and non-loopback URLs with 400', async () => {
    sim = await startSimulator();
    const badB64 = await chat(sim.baseURL, { model: VISION, messages: imageMessage('data:image/png;base64,@@not base64!!') });
    expect(badB64.status).toBe(400);
    expect(badB64.json.error.message).toMatch(/not valid base64/);
    const text = await chat(sim.baseURL, { model: VISION, messages: imageMessage('data:text/plain;base64,aGVsbG8=') });
    expect(text.status).toBe(400);
    expect(text.json.error.message).toMatch(/"text\/plain" is not an image type/);
    const remote = await chat(sim.baseURL, { model: VISION, messages: imageMessage('https://example.com/cat.png') });
    expect(remote.status).toBe(400);
    expect(remote.json.error.message).toBe('Failed to fetch image');
  });
});
