/**
 * `bun run images`: renders the plugin's registry images from the designs beside this file
 * (logo.html, banner.html, mark.svg) in Debian's chromium through playwright-core, as JPEG, into
 * packages/plugin-openrouter-free/images/: logo.jpg 400x400 (the registry allows < 500 KB) and
 * banner.jpg 1280x640 (< 1 MB). The fonts are DejaVu, which Debian's chromium brings along.
 */
import { statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { IMAGE_LIMITS } from '../lib/release.js';
import { REPO_ROOT } from '../lib/paths.js';
import { CHROMIUM_ARGS, CHROMIUM_MISSING, CHROMIUM_PATH, chromiumPresent } from '../test/chromium.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const out = path.join(REPO_ROOT, 'packages', 'plugin-openrouter-free', 'images');
const IMAGES = [
  { page: 'logo.html', file: 'logo.jpg', width: 400, height: 400 },
  { page: 'banner.html', file: 'banner.jpg', width: 1280, height: 640 },
] as const;

if (!chromiumPresent) {
  console.error(CHROMIUM_MISSING);
  process.exit(1);
}
const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
try {
  for (const image of IMAGES) {
    const page = await browser.newPage({ viewport: { width: image.width, height: image.height } });
    await page.goto(pathToFileURL(path.join(here, image.page)).href);
    const target = path.join(out, image.file);
    await page.screenshot({ path: target, type: 'jpeg', quality: 90 });
    await page.close();
    const size = statSync(target).size;
    const limit = IMAGE_LIMITS[`images/${image.file}`];
    console.log(`${path.relative(REPO_ROOT, target)}: ${image.width}x${image.height}, ${(size / 1024).toFixed(0)} KB (limit ${limit / 1024} KB)`);
    if (size >= limit) throw new Error(`${image.file} is ${size} bytes, over the registry's limit of ${limit}`);
  }
} finally {
  await browser.close();
}
