/**
 * Debian's chromium, driven by playwright-core (which never downloads a browser). The flags keep it
 * from reaching for the network, which this machine does not have: without them it hangs on connections.
 */
import { existsSync } from 'node:fs';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH?.trim() || '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
export const chromiumPresent = existsSync(CHROMIUM_PATH);
export const CHROMIUM_MISSING = `chromium not found at ${CHROMIUM_PATH}: install it with \`apt-get update && apt-get install -y chromium\` (Debian), or set CHROMIUM_PATH`;
