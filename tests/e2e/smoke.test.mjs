// Both apps load from the server's web root in a real browser, in Chinese by
// default, without a console error or a failed request.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import { startDistrict } from '../api/lib/district.mjs';
import { openBrowser, watch, shot, MOBILE, DESKTOP } from './lib.mjs';

let srv, browser;

before(async () => {
  srv = await startDistrict({ args: ['--web-root', resolve('web/dist')] });
  browser = await openBrowser();
});

after(async () => {
  await browser?.close();
  const r = await srv.stop();
  assert.equal(r.code, 0);
});

test('the residents app opens in Chinese on a phone-sized screen', async () => {
  const ctx = await browser.newContext(MOBILE);
  const page = await ctx.newPage();
  const problems = watch(page);
  await page.goto(srv.url('/'));
  await page.waitForSelector('text=先锋枢纽');
  await shot(page, 'resident-home');
  assert.deepEqual(problems, []);
  await ctx.close();
});

test('the console opens in Chinese', async () => {
  const ctx = await browser.newContext(DESKTOP);
  const page = await ctx.newPage();
  const problems = watch(page);
  await page.goto(srv.url('/console/'));
  await page.waitForSelector('text=先锋枢纽');
  await shot(page, 'console-home');
  assert.deepEqual(problems, []);
  await ctx.close();
});
