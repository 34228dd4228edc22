/**
 * Runs the simulator as a process:
 *   bun packages/openrouter-simulator/src/cli.ts --port 4010 [--catalog FILE] [--scenario FILE.json] [--api-key KEY]
 * Prints the base URL. Never prints any key.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { startSimulator } from './server.js';

const USAGE = 'usage: cli.ts [--port 4010] [--host 127.0.0.1] [--catalog FILE] [--scenario FILE.json] [--api-key KEY]';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: '4010' },
      host: { type: 'string', default: '127.0.0.1' },
      catalog: { type: 'string' },
      scenario: { type: 'string' },
      'api-key': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port: expected an integer 0..65535, got "${values.port}"`);
  let scenario: unknown;
  if (values.scenario) {
    try {
      scenario = JSON.parse(readFileSync(values.scenario, 'utf8'));
    } catch (err) {
      throw new Error(`--scenario: cannot read JSON from ${values.scenario}: ${(err as Error).message}`);
    }
  }
  const sim = await startSimulator({
    port,
    host: values.host,
    catalog: values.catalog,
    scenario: scenario as never,
    apiKey: values['api-key'],
  });
  console.log(sim.baseURL);
  const stop = () => void sim.close().then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((err: unknown) => {
  console.error(`openrouter-simulator: ${(err as Error).message}\n${USAGE}`);
  process.exit(1);
});
