// Both apps load from the server's web root in a real browser, in Chinese by
// default, without a console error or a failed request; a signed-in resident
// and a signed-in officer stay signed in across a reload, and a station's QR
// link opens for a resident who is signed in (each of these reads
// GET /api/v1/auth/session, which once answered 500 in the release build).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import { startDistrict } from '../api/lib/district.mjs';
import { openBrowser, watch, shot, MOBILE, DESKTOP } from './lib.mjs';

let srv, browser;

before(async () => {
  srv = await startDistrict({ args: ['--web-root', resolve('web/dist')] });
  browser = await openBrowser(srv);
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

test('a resident signs in, reloads and is still signed in, then opens a station QR link signed in', async () => {
  const staff = await srv.login('gridworker');
  const station = (await staff.get(`/api/v1/stations?unit=${staff.user.unit.id}&limit=1`)).body.items[0];
  assert.ok(station, 'a station in the grid worker\'s grid');
  const ctx = await browser.newContext(MOBILE);
  const page = await ctx.newPage();
  const problems = watch(page);
  await page.goto(srv.url('/mine'));
  await page.waitForURL((u) => u.pathname === '/login');
  await page.getByLabel('用户名').fill('resident');
  await page.getByLabel('密码').fill(srv.passwords.resident);
  await page.getByRole('button', { name: '登录' }).click();
  await page.waitForURL((u) => u.pathname === '/mine');
  await page.waitForLoadState('networkidle'); // the list's request, not cut short by the reload
  const session = page.waitForResponse((r) => r.url().endsWith('/api/v1/auth/session'));
  await page.reload();
  assert.equal((await session).status(), 200, 'the session answers after a reload');
  await page.waitForLoadState('networkidle');
  assert.match(new URL(page.url()).pathname, /^\/mine$/, 'still signed in after the reload');

  await page.goto(srv.url(`/s/${station.public_code}`));
  await page.getByText('已定位到服务驿站').waitFor();
  await page.getByText(`驿站编号：${station.public_code}`).waitFor();
  assert.equal(await page.getByRole('link', { name: '登录后反映' }).count(), 0, 'signed in: no sign-in link');
  assert.equal(await page.getByLabel('联系电话').count(), 0, 'signed in: no contact phone asked');
  await shot(page, 'resident-station-link-signed-in');
  assert.deepEqual(problems, []);
  await ctx.close();
});

test('an officer signs in to the console, reloads and is still signed in', async () => {
  const ctx = await browser.newContext(DESKTOP);
  const page = await ctx.newPage();
  const problems = watch(page);
  await page.goto(srv.url('/console/'));
  await page.getByLabel('用户名').fill('longqiao');
  await page.getByLabel('密码').fill(srv.passwords.longqiao);
  await page.getByRole('button', { name: '登录' }).click();
  const nav = page.getByRole('navigation');
  await nav.waitFor();
  await page.waitForLoadState('networkidle'); // the dashboard's requests, not cut short by the reload
  const session = page.waitForResponse((r) => r.url().endsWith('/api/v1/auth/session'));
  await page.reload();
  assert.equal((await session).status(), 200, 'the session answers after a reload');
  await nav.waitFor();
  assert.equal(await page.getByLabel('用户名').count(), 0, 'no sign-in form after the reload');
  assert.deepEqual(problems, []);
  await ctx.close();
});
