// lib.mjs — browser tests: Debian's chromium driven by playwright-core, with
// no downloads and no network beyond loopback.
//
// openBrowser() launches chromium headless with the flags that keep it off
// the network; watch(page) records console errors and failed requests so a
// test can assert there were none; shot(page, name) saves a screenshot under
// test-output/e2e/.
import { chromium } from '../../web/node_modules/playwright-core/index.mjs';
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const OUT = resolve('test-output/e2e');
mkdirSync(OUT, { recursive: true });

export const FLAGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

export async function openBrowser() {
  return chromium.launch({ executablePath: '/usr/bin/chromium', args: FLAGS, headless: true });
}

export const MOBILE = { viewport: { width: 375, height: 812 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true };
export const DESKTOP = { viewport: { width: 1366, height: 900 } };

// Record everything that went wrong on a page.
export function watch(page) {
  const problems = [];
  page.on('console', (m) => { if (m.type() === 'error') problems.push(`console: ${m.text()}`); });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('requestfailed', (r) => problems.push(`request failed: ${r.method()} ${r.url()} ${r.failure()?.errorText}`));
  page.on('response', (r) => { if (r.status() >= 500) problems.push(`HTTP ${r.status()}: ${r.url()}`); });
  return problems;
}

export async function shot(page, name) {
  await page.screenshot({ path: join(OUT, `${name}.png`), fullPage: true });
}
