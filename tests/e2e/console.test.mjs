// The staff console in a real browser: a wrong password, the language switch,
// and revealing a reporter's phone number only after confirming.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import { startDistrict, login } from '../api/lib/district.mjs';
import { openBrowser, watch, shot, DESKTOP } from './lib.mjs';

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

// Before reloading or leaving a loaded page, let what it is fetching finish:
// a request cut short by the navigation — the browser's own favicon request,
// made again after in-app navigations — would be recorded as a failed request.
// track(page) counts the requests in flight; settle(page) waits for 150 ms
// without any.
function track(page) {
  const inflight = new Set();
  page.on('request', (r) => inflight.add(r));
  page.on('requestfinished', (r) => inflight.delete(r));
  page.on('requestfailed', (r) => inflight.delete(r));
  page.inflight = inflight;
  return page;
}
async function settle(page) {
  for (let quiet = 0; quiet < 3; ) {
    await page.waitForTimeout(50);
    quiet = page.inflight.size ? 0 : quiet + 1;
  }
}

async function signIn(page, username, password = srv.passwords[username]) {
  await page.getByLabel('用户名').fill(username);
  await page.getByLabel('密码').fill(password);
  await page.getByRole('button', { name: '登录' }).click();
}

test('a wrong password shows the error and stays on the sign-in page', async () => {
  const ctx = await browser.newContext(DESKTOP);
  const page = track(await ctx.newPage());
  const problems = watch(page);
  // The one expected failure: the 401 of the sign-in call itself, which
  // Chromium also logs as a console error.
  const unauthorized = [];
  page.on('response', (r) => { if (r.status() === 401) unauthorized.push(new URL(r.url()).pathname); });

  await page.goto(srv.url('/console/'));
  await page.getByRole('button', { name: '登录' }).waitFor();
  assert.equal(new URL(page.url()).pathname, '/console/login');
  await signIn(page, 'longqiao', 'not-the-password');
  const alert = page.getByRole('alert');
  await alert.getByText('用户名或密码错误').waitFor();
  await shot(page, 'console-login-wrong-password');
  assert.match(new URL(page.url()).pathname, /^\/console\/login$/);
  assert.equal(await page.getByRole('button', { name: '登录' }).isVisible(), true);
  assert.equal(await page.getByRole('navigation').getByRole('link', { name: '工作队列', exact: true }).count(), 0);

  assert.deepEqual(unauthorized, ['/api/v1/auth/login']);
  const rest = problems.filter((p) => !/^console: Failed to load resource: the server responded with a status of 401/.test(p));
  assert.ok(problems.length - rest.length <= 1);
  assert.deepEqual(rest, []);

  // The right password then signs in.
  await page.getByLabel('密码').fill(srv.passwords.longqiao);
  await page.getByRole('button', { name: '登录' }).click();
  await page.getByRole('navigation').getByRole('link', { name: '工作队列', exact: true }).waitFor();
  assert.equal(await page.getByRole('alert').filter({ hasText: '用户名或密码错误' }).count(), 0);
  await ctx.close();
});

test('the language switch turns the console into English and back', async () => {
  const ctx = await browser.newContext(DESKTOP);
  const page = track(await ctx.newPage());
  const problems = watch(page);
  await page.goto(srv.url('/console/login'));
  await signIn(page, 'longqiao');
  await page.getByRole('navigation').getByRole('link', { name: '工作队列', exact: true }).waitFor();
  await page.getByRole('navigation').getByRole('link', { name: '首页', exact: true }).waitFor();
  await page.getByRole('button', { name: '退出登录' }).waitFor();
  assert.equal(await page.evaluate(() => document.documentElement.lang), 'zh-CN');

  await page.getByRole('radiogroup', { name: '语言' }).getByText('English', { exact: true }).click();
  await page.getByRole('navigation').getByRole('link', { name: 'Work queue', exact: true }).waitFor();
  await page.getByRole('navigation').getByRole('link', { name: 'Home', exact: true }).waitFor();
  await page.getByRole('button', { name: 'Sign out' }).waitFor();
  assert.equal(await page.getByRole('navigation').getByRole('link', { name: '工作队列', exact: true }).count(), 0);
  assert.equal(await page.evaluate(() => document.documentElement.lang), 'en');
  await shot(page, 'console-home-en');

  // It holds on another page and after a reload.
  await page.getByRole('navigation').getByRole('link', { name: 'Work queue', exact: true }).click();
  await page.getByRole('tab', { name: 'To accept' }).waitFor();
  await settle(page);
  await page.reload();
  await page.getByRole('navigation').getByRole('link', { name: 'Work queue', exact: true }).waitFor();
  await shot(page, 'console-queue-en');

  await page.getByRole('radiogroup', { name: 'Language' }).getByText('中文', { exact: true }).click();
  await page.getByRole('navigation').getByRole('link', { name: '工作队列', exact: true }).waitFor();
  await page.getByRole('tab', { name: '待受理' }).waitFor();
  await page.getByRole('button', { name: '退出登录' }).waitFor();
  assert.equal(await page.getByRole('navigation').getByRole('link', { name: 'Work queue', exact: true }).count(), 0);
  assert.equal(await page.evaluate(() => document.documentElement.lang), 'zh-CN');

  assert.deepEqual(problems, []);
  await ctx.close();
});

test('revealing the contact phone asks first; cancelling reveals nothing', async () => {
  const gw = await login(srv, 'gridworker', srv.passwords.gridworker);
  const created = await srv.post('/api/v1/appeals', {
    category: 'noise',
    title: `楼下商铺外放音乐 e2e-${Date.now()}`,
    unit_id: gw.user.unit_id,
    contact: { phone: '13900001111' },
  });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  const id = created.body.id;

  const ctx = await browser.newContext(DESKTOP);
  const page = track(await ctx.newPage());
  const problems = watch(page);
  const reveals = [];
  page.on('request', (r) => { if (r.url().endsWith(`/api/v1/appeals/${id}/contact`)) reveals.push(r.method()); });

  await page.goto(srv.url(`/console/appeal/${id}`));
  await page.getByRole('button', { name: '登录' }).waitFor();
  assert.equal(new URL(page.url()).pathname, '/console/login');
  await signIn(page, 'longqiao');
  await page.waitForURL(`**/console/appeal/${id}`);
  await page.getByText(created.body.case_no).waitFor();
  const contact = page.locator('.el-descriptions__cell').filter({ hasText: '查看号码' });
  await contact.waitFor();
  const masked = (await contact.textContent()).trim();
  assert.match(masked, /1111/);
  assert.doesNotMatch(masked, /13900001111/);
  await shot(page, 'console-case-contact-masked');

  // Cancel: nothing is asked of the server, the number stays masked.
  await page.getByRole('button', { name: '查看号码' }).click();
  let box = page.getByRole('dialog', { name: '查看号码' });
  await box.getByText('审计日志').waitFor();
  // Let the box finish fading in before the picture.
  await page.waitForFunction(() => document.getAnimations().every((a) => a.playState !== 'running'));
  await shot(page, 'console-case-reveal-confirm');
  await box.getByRole('button', { name: '取消' }).click();
  await box.waitFor({ state: 'hidden' });
  assert.deepEqual(reveals, []);
  assert.equal(await page.getByText('13900001111').count(), 0);
  assert.equal(await page.getByRole('button', { name: '查看号码' }).isVisible(), true);

  // Confirm: the full number appears and the button goes.
  await page.getByRole('button', { name: '查看号码' }).click();
  box = page.getByRole('dialog', { name: '查看号码' });
  await box.getByRole('button', { name: '确定' }).click();
  await page.getByText('13900001111').waitFor();
  await box.waitFor({ state: 'hidden' });
  assert.deepEqual(reveals, ['POST']);
  assert.equal(await page.getByRole('button', { name: '查看号码' }).count(), 0);
  await shot(page, 'console-case-contact-revealed');

  assert.deepEqual(problems, []);
  await ctx.close();
});
