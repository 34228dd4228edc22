/**
 * The simulator must speak the wire format the real client sends and parses: drive it with
 * `ai` + `@openrouter/ai-sdk-provider@3.1.0` over loopback.
 */
import { createOpenRouter } from '@openrouter/ai-sdk-provider';
import { Output, generateText, jsonSchema, streamText } from 'ai';
import { afterEach, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '@freepool/openrouter-simulator';
import { KEY, SMALL, VISION } from './helpers.js';

let sim: Simulator | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

const provider = (s: Simulator) => createOpenRouter({ apiKey: KEY, baseURL: s.baseURL });

describe('@openrouter/ai-sdk-provider against the simulator', () => {
  it('generateText gets the reply and the concrete model id', async () => {
    sim = await startSimulator({ apiKey: KEY });
    const r = await generateText({ model: provider(sim).chat(SMALL), prompt: 'Hello from the SDK', maxRetries: 0 });
    expect(r.text).toBe(`Simulated reply from ${SMALL}: Hello from the SDK`);
    expect(r.response.modelId).toBe(SMALL);
    expect(r.finishReason).toBe('stop');
  });

  it('streamText reassembles the SSE stream', async () => {
    sim = await startSimulator({ apiKey: KEY });
    const r = streamText({ model: provider(sim).chat(SMALL), prompt: 'Stream from the SDK', maxRetries: 0 });
    let text = '';
    for await (const part of r.textStream) text += part;
    expect(text).toBe(`Simulated reply from ${SMALL}: Stream from the SDK`);
    expect(sim.stats().calls[0]).toMatchObject({ stream: true, status: '200' });
  });

  it('structured output with a JSON schema parses the generated value', async () => {
    sim = await startSimulator({ apiKey: KEY });
    const r = await generateText({
      model: provider(sim).chat(VISION),
      output: Output.object({
        schema: jsonSchema<{ name: string; age: number }>({
          type: 'object',
          properties: { name: { type: 'string' }, age: { type: 'number' } },
          required: ['name', 'age'],
          additionalProperties: false,
        }),
      }),
      prompt: 'Make a person',
      maxRetries: 0,
    });
    expect(r.output).toEqual({ name: 'example', age: 1 });
  });

  it('an image file part reaches the vision model', async () => {
    sim = await startSimulator({ apiKey: KEY });
    const png = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');
    const r = await generateText({
      model: provider(sim).chat(VISION),
      messages: [{ role: 'user', content: [{ type: 'text', text: 'Describe' }, { type: 'file', data: png, mediaType: 'image/png' }] }],
      maxRetries: 0,
    });
    expect(r.text).toContain(`An image of ${png.length} bytes (image/png)`);
  });

  it('a 429 surfaces as an API call error with the status and headers', async () => {
    sim = await startSimulator({ apiKey: KEY, scenario: { account: { perMinute: 0 } } });
    const err = await generateText({ model: provider(sim).chat(SMALL), prompt: 'x', maxRetries: 0 }).catch((e: any) => e);
    expect(err.statusCode).toBe(429);
    expect(err.responseHeaders['x-ratelimit-limit']).toBe('0');
    expect(String(err.responseBody)).toContain('free-models-per-min');
  });
});
