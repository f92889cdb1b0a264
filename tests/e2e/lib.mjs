// lib.mjs — browser tests: Debian's chromium driven by playwright-core, with
// no downloads and no network beyond loopback.
//
// openBrowser(srv) launches chromium headless with the flags that keep it off
// the network, and gives every context it opens the server's clock (the
// server runs on a pinned clock, --test-clock-start; the pages' Date follows
// it through playwright's page clock, so "today" in the apps is the server's
// today whatever the machine's clock says). advanceClock(srv, seconds) moves
// the server and every open page together. watch(page) records console errors
// and failed requests so a test can assert there were none; shot(page, name)
// saves a screenshot under test-output/e2e/.
import { chromium } from '../../web/node_modules/playwright-core/index.mjs';
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const OUT = resolve('test-output/e2e');
mkdirSync(OUT, { recursive: true });

export const FLAGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

const pinned = new Map(); // server → its browser contexts

async function serverNow(srv) {
  const r = await srv.json('/api/v1/_test/clock');
  if (r.status !== 200) throw new Error('browser tests need a server started with --test-clock');
  return Date.parse(r.body.now);
}

export async function openBrowser(srv) {
  if (!srv) throw new Error('openBrowser(srv): pages run on the server\'s clock');
  // tests/any-hour shifts node's and the server's clocks with libfaketime; chromium does not run
  // under it (its pages stall), and needs not: the pages' clock is the server's, set below.
  const env = { ...process.env };
  for (const k of Object.keys(env)) if (k === 'LD_PRELOAD' || k.startsWith('FAKETIME')) delete env[k];
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: FLAGS, headless: true, env });
  const contexts = new Set();
  pinned.set(srv, contexts);
  const newContext = browser.newContext.bind(browser);
  browser.newContext = async (options) => {
    const ctx = await newContext(options);
    await ctx.clock.install({ time: await serverNow(srv) });
    contexts.add(ctx);
    ctx.on('close', () => contexts.delete(ctx));
    return ctx;
  };
  return browser;
}

// Move the server's clock forward and every page opened on it with it.
export async function advanceClock(srv, seconds) {
  const r = await srv.post('/api/v1/_test/clock', { advance_seconds: seconds });
  if (r.status !== 200) throw new Error(`could not move the clock: ${JSON.stringify(r.body)}`);
  const now = Date.parse(r.body.now);
  for (const ctx of pinned.get(srv) || []) await ctx.clock.setSystemTime(now);
  return r;
}

export const MOBILE = { viewport: { width: 375, height: 812 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true };
export const DESKTOP = { viewport: { width: 1366, height: 900 } };

// Record everything that went wrong on a page.
export function watch(page) {
  const problems = [];
  page.on('console', (m) => { if (m.type() === 'error') problems.push(`console: ${m.text()}`); });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('requestfailed', (r) => {
    // the browser's own favicon fetch, cut short when the page navigates, is not the app's
    if (/\/favicon\.(svg|ico)$/.test(new URL(r.url()).pathname) && r.failure()?.errorText === 'net::ERR_ABORTED') return;
    problems.push(`request failed: ${r.method()} ${r.url()} ${r.failure()?.errorText}`);
  });
  page.on('response', (r) => { if (r.status() >= 500) problems.push(`HTTP ${r.status()}: ${r.url()}`); });
  return problems;
}

export async function shot(page, name) {
  await page.screenshot({ path: join(OUT, `${name}.png`), fullPage: true });
}

// An accessibility audit of what is on screen now, run inside the page:
// - every visible form control has an accessible name (aria-label,
//   aria-labelledby, a <label for>, a wrapping <label> or a title);
// - every visible text has a contrast ratio against its background of at
//   least 4.5:1, or 3:1 for large text (WCAG 2.x AA, 1.4.3).
// Placeholders count as text. Disabled controls are exempt, as WCAG allows.
// Returns a list of findings (empty when all is well).
export async function audit(page) {
  // judge the settled page, not a dialog half-way through fading in
  await page.waitForFunction(() => document.getAnimations().every((a) => a.playState !== 'running'));
  return page.evaluate(() => {
    const out = [];
    const visible = (el) => {
      const r = el.getBoundingClientRect();
      if (r.width < 1 || r.height < 1) return false;
      for (let e = el; e; e = e.parentElement) {
        const s = getComputedStyle(e);
        if (s.display === 'none' || s.visibility === 'hidden' || Number(s.opacity) === 0) return false;
      }
      return true;
    };
    const describe = (el) => {
      const cls = typeof el.className === 'string' && el.className ? `.${el.className.trim().split(/\s+/).slice(0, 2).join('.')}` : '';
      return `${el.tagName.toLowerCase()}${cls} "${(el.innerText || el.getAttribute('placeholder') || el.value || '').trim().slice(0, 30)}"`;
    };
    // 1. names of form controls
    const controls = document.querySelectorAll('input:not([type=hidden]), select, textarea, [role=combobox], [role=checkbox], [role=radio], [role=switch], [role=slider], [role=spinbutton]');
    for (const el of controls) {
      if (!visible(el) && !(el.type === 'file')) continue;
      if (el.type === 'file' || el.type === 'radio' && el.closest('label')) continue; // hidden pickers behind labelled buttons
      const id = el.getAttribute('id');
      const named = (el.getAttribute('aria-label') || '').trim() ||
        (el.getAttribute('aria-labelledby') || '').split(/\s+/).some((i) => document.getElementById(i)?.textContent?.trim()) ||
        (id && [...document.querySelectorAll('label[for]')].some((l) => l.htmlFor === id && l.textContent.trim())) ||
        el.closest('label')?.textContent?.trim() || (el.getAttribute('title') || '').trim() ||
        // a button or other element with a role is named by its own text
        (!['INPUT', 'SELECT', 'TEXTAREA'].includes(el.tagName) && el.textContent.trim());
      if (!named) out.push(`no accessible name: ${describe(el)}`);
    }
    // 2. contrast
    const parse = (c) => {
      const m = c.match(/rgba?\(([^)]+)\)/);
      if (!m) return null;
      const p = m[1].split(/[ ,/]+/).filter(Boolean).map(Number);
      return { r: p[0], g: p[1], b: p[2], a: p.length > 3 ? p[3] : 1 };
    };
    const lum = ({ r, g, b }) => {
      const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
      return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
    };
    const over = (top, under) => ({
      r: top.r * top.a + under.r * (1 - top.a), g: top.g * top.a + under.g * (1 - top.a), b: top.b * top.a + under.b * (1 - top.a), a: 1,
    });
    const background = (el) => {
      const layers = [];
      for (let e = el; e; e = e.parentElement) {
        const s = getComputedStyle(e);
        if (s.backgroundImage && s.backgroundImage !== 'none') return null; // an image or gradient: cannot judge
        const c = parse(s.backgroundColor);
        if (c && c.a > 0) { layers.push(c); if (c.a >= 1) break; }
      }
      let bg = { r: 255, g: 255, b: 255, a: 1 };
      for (const c of layers.reverse()) bg = over(c, bg);
      return bg;
    };
    const seen = new Set();
    const check = (el, color, what) => {
      const s = getComputedStyle(el);
      const fg = parse(color);
      const bg = background(el);
      if (!fg || !bg) return;
      let opacity = 1;
      for (let e = el; e; e = e.parentElement) opacity *= Number(getComputedStyle(e).opacity);
      const shown = over({ ...fg, a: fg.a * opacity }, bg);
      const [hi, lo] = [lum(shown), lum(bg)].sort((a, b) => b - a);
      const ratio = (hi + 0.05) / (lo + 0.05);
      const size = parseFloat(s.fontSize);
      const large = size >= 24 || (size >= 18.66 && Number(s.fontWeight) >= 700);
      const need = large ? 3 : 4.5;
      const key = `${what}|${color}|${s.backgroundColor}|${describe(el)}`;
      if (ratio + 0.005 < need && !seen.has(key)) {
        seen.add(key);
        out.push(`contrast ${ratio.toFixed(2)} < ${need}: ${what} ${describe(el)} color ${color} on rgb(${Math.round(bg.r)},${Math.round(bg.g)},${Math.round(bg.b)})`);
      }
    };
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const el = n.parentElement;
      if (!el || !n.textContent.trim() || !visible(el)) continue;
      if (el.closest('[disabled], .is-disabled, .van-button--disabled, [aria-disabled=true], .leaflet-container svg')) continue;
      check(el, getComputedStyle(el).color, 'text');
    }
    for (const el of document.querySelectorAll('input[placeholder], textarea[placeholder]')) {
      if (!visible(el) || el.value || el.disabled) continue;
      check(el, getComputedStyle(el, '::placeholder').color, 'placeholder');
    }
    return out;
  });
}
