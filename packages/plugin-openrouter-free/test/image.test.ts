import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ModelType, type AgentRuntime } from '@elizaos/core';
import { PoolConfigError } from '@freepool/free-model-pool';
import openrouterFreePlugin from '@freepool/plugin-openrouter-free';
import { startSimulator, type Simulator } from '@freepool/openrouter-simulator';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parseImageDescription } from '../src/models/image.js';
import { FAKE_KEY, FAST_SETTINGS, PINNED_POOLS, VISION, startRuntime, stopRuntime } from './helpers/runtime.js';

/** A 1×1 PNG. */
const PNG_BASE64 = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==';
const PNG = Buffer.from(PNG_BASE64, 'base64');
const DATA_URL = `data:image/png;base64,${PNG_BASE64}`;
/** What ElizaOS's imageDescriptionTemplate asks for, shortened. */
const TEMPLATE = 'Describe the image. Respond in XML: <response><title/><description/><text/></response>';

describe('IMAGE_DESCRIPTION through a real AgentRuntime', () => {
  let sim: Simulator;
  let runtime: AgentRuntime;
  let images: Server;
  let imageURL: string;

  beforeAll(async () => {
    // The http image lives on loopback; the simulator fetches it like OpenRouter would.
    images = createServer((req, res) => {
      if (req.url === '/cat.png') {
        res.writeHead(200, { 'content-type': 'image/png', 'content-length': PNG.length });
        res.end(PNG);
      } else {
        res.writeHead(404).end();
      }
    });
    await new Promise<void>((r) => images.listen(0, '127.0.0.1', r));
    imageURL = `http://127.0.0.1:${(images.address() as AddressInfo).port}/cat.png`;
    sim = await startSimulator({ apiKey: FAKE_KEY, scenario: { account: { perMinute: 1000 } } });
  });
  afterAll(async () => {
    await sim?.close();
    images?.closeAllConnections();
    await new Promise((r) => images?.close(r));
  });
  // A fresh runtime per test: no model is still cooling down from the test before.
  beforeEach(async () => {
    sim.setScenario({ account: { perMinute: 1000 } });
    runtime = await startRuntime({ OPENROUTER_API_KEY: FAKE_KEY, OPENROUTER_BASE_URL: sim.baseURL, ...FAST_SETTINGS, ...PINNED_POOLS });
    sim.resetStats();
  });
  afterEach(async () => {
    await stopRuntime(runtime);
  });

  it('describes a data: URL image with the vision pool and parses <title>/<description>', async () => {
    const result = await runtime.useModel(ModelType.IMAGE_DESCRIPTION, { imageUrl: DATA_URL, prompt: TEMPLATE });
    expect(result.title).toBe('Simulated image');
    expect(result.description).toContain(`${PNG.length} bytes`);
    expect(sim.stats().calls.map((c) => c.model)).toEqual([VISION[0]]);
  });

  it('describes an http image served on loopback', async () => {
    const result = await runtime.useModel(ModelType.IMAGE_DESCRIPTION, { imageUrl: imageURL, prompt: TEMPLATE });
    expect(result.description).toContain(`${PNG.length} bytes`);
  });

  it('accepts a bare URL string (called on the handler: core 1.7.2 useModel crashes on strings)', async () => {
    const handler = openrouterFreePlugin.models![ModelType.IMAGE_DESCRIPTION]!;
    const result = await handler(runtime, DATA_URL);
    expect(result.description).toContain(`${PNG.length} bytes`);
  });

  it('falls back to a sensible title and description when the model answers plain text', async () => {
    const reply = 'A small grey square on a white background. Nothing else is visible.';
    sim.setScenario({ account: { perMinute: 1000 }, defaultBehavior: { reply } });
    const result = await runtime.useModel(ModelType.IMAGE_DESCRIPTION, { imageUrl: DATA_URL, prompt: TEMPLATE });
    expect(result).toEqual({ title: 'A small grey square on a white background', description: reply });
  });

  it('rotates past a rate-limited vision model', async () => {
    sim.failNext('*', 'upstream_429', 1);
    const result = await runtime.useModel(ModelType.IMAGE_DESCRIPTION, { imageUrl: DATA_URL, prompt: TEMPLATE });
    expect(result.title).toBe('Simulated image');
    expect(sim.stats().calls.map((c) => c.status)).toEqual(['429', '200']);
  });

  it('throws when every vision model fails, instead of returning an error dressed as a description', async () => {
    sim.failNext('*', 'server_error', VISION.length);
    await expect(runtime.useModel(ModelType.IMAGE_DESCRIPTION, { imageUrl: DATA_URL, prompt: TEMPLATE })).rejects.toThrow(
      /vision pool/,
    );
  });

  it('rejects a bad image URL with an error naming imageUrl, before any call', async () => {
    for (const imageUrl of ['not a url', 'ftp://example.com/cat.png', 'data:text/plain;base64,aGk=', '']) {
      const error = await runtime.useModel(ModelType.IMAGE_DESCRIPTION, { imageUrl, prompt: TEMPLATE }).catch((e: unknown) => e);
      expect(PoolConfigError.isInstance(error), `${imageUrl}: ${String(error)}`).toBe(true);
      expect((error as Error).message).toMatch(/imageUrl/);
      expect((error as Error).message).toMatch(/http\(s\)|data:image/);
    }
    expect(sim.stats().total).toBe(0);
  });
});

describe('parseImageDescription', () => {
  it('reads the tags of ElizaOS imageDescriptionTemplate', () => {
    expect(
      parseImageDescription('<response><title>Cat</title><description>A cat on a mat.</description><text></text></response>'),
    ).toEqual({ title: 'Cat', description: 'A cat on a mat.' });
  });
  it('keeps the detailed <text> too: ElizaOS stores only `description` of an object answer', () => {
    // core's message service and plugin-bootstrap set attachment.text = response.description for an
    // object, so a <text> left out here would never reach the agent.
    expect(
      parseImageDescription(
        '<response><title>Cat</title><description>A cat on a mat.</description><text>A ginger cat sleeps on a red mat in the sun.</text></response>',
      ),
    ).toEqual({ title: 'Cat', description: 'A cat on a mat.\n\nA ginger cat sleeps on a red mat in the sun.' });
  });
  it('uses <text> when there is no <description>', () => {
    expect(parseImageDescription('<title>Sign</title><text>STOP</text>')).toEqual({ title: 'Sign', description: 'STOP' });
  });
  it('reads a JSON answer', () => {
    expect(parseImageDescription('```json\n{"title":"Dog","description":"A dog."}\n```')).toEqual({
      title: 'Dog',
      description: 'A dog.',
    });
  });
  it('reads Title:/Description: lines', () => {
    expect(parseImageDescription('Title: Beach\nDescription: Sand and sea.')).toEqual({
      title: 'Beach',
      description: 'Sand and sea.',
    });
  });
  it('cuts a long first sentence into a short title', () => {
    const text = `${'word '.repeat(40)}end.`;
    const { title, description } = parseImageDescription(text);
    expect(title.length).toBeLessThanOrEqual(80);
    expect(description).toBe(text);
  });
});
