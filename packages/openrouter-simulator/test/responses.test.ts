import { afterEach, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../src/index.js';

let sim: Simulator | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

const post = (body: unknown, token = 'local-FAKE') =>
  fetch(`${sim!.baseURL}/responses`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify(body) });

describe('POST /api/v1/responses (the OpenAI Responses API, for standing in as a local server)', () => {
  it('answers input text as one assistant message with usage, and counts the call', async () => {
    sim = await startSimulator();
    const res = await post({ model: 'm/local', instructions: 'Be brief.', input: [{ role: 'user', content: [{ type: 'input_text', text: 'hello there' }] }] });
    expect(res.status).toBe(200);
    const body = (await res.json()) as any;
    expect(body).toMatchObject({ object: 'response', model: 'm/local', status: 'completed', output: [{ type: 'message', role: 'assistant' }] });
    expect(body.output[0].content[0]).toMatchObject({ type: 'output_text', text: 'Simulated reply from m/local: hello there' });
    expect(body.usage.input_tokens).toBeGreaterThan(0);
    expect(sim.stats().byModel['m/local']).toMatchObject({ calls: 1, byStatus: { '200': 1 } });
  });

  it('streams the same text as Responses events ending in response.completed', async () => {
    sim = await startSimulator();
    const res = await post({ model: 'm/local', input: 'stream please', stream: true });
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const events = (await res.text()).split('\n\n').filter(Boolean).map((e) => JSON.parse(e.split('\ndata: ')[1]!));
    expect(events[0].type).toBe('response.created');
    expect(events.at(-1).type).toBe('response.completed');
    const text = events.filter((e) => e.type === 'response.output_text.delta').map((e) => e.delta).join('');
    expect(text).toBe('Simulated reply from m/local: stream please');
  });

  it('refuses without a token, and answers failNext(model, "server_error") with a 500', async () => {
    sim = await startSimulator();
    const anonymous = await fetch(`${sim.baseURL}/responses`, { method: 'POST', body: '{}' });
    expect(anonymous.status).toBe(401);
    sim.failNext('m/local', 'server_error');
    expect((await post({ model: 'm/local', input: 'x' })).status).toBe(500);
    expect((await post({ model: 'm/local', input: 'x' })).status).toBe(200);
  });
});
