// Accessibility of both apps: every main page, in both languages, has named
// form controls and text with enough contrast (audit() in lib.mjs), and the
// console can be worked with the keyboard alone: sign in, move through the
// menu, open a case from the queue, open and close an action's dialog.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import { startDistrict } from '../api/lib/district.mjs';
import { openBrowser, watch, audit, DESKTOP, MOBILE } from './lib.mjs';

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

async function context(options, user, locale) {
  const ctx = await browser.newContext(options);
  if (user) await ctx.addCookies([{ name: 'shuniu_session', value: user.cookie, url: srv.url('/') }]);
  if (locale) await ctx.addInitScript((l) => localStorage.setItem('shuniu.locale', l), locale);
  const page = await ctx.newPage();
  return { ctx, page, problems: watch(page) };
}

// Load a page, wait until its network is quiet, and audit it.
async function check(page, path, ready, findings) {
  await page.goto(srv.url(path));
  await page.waitForLoadState('networkidle');
  if (ready) await ready(page);
  for (const f of await audit(page)) findings.push(`${path}: ${f}`);
}

for (const locale of ['zh-CN', 'en']) {
  test(`every main page passes the audit (${locale})`, async () => {
    const staff = await srv.login('longqiao');
    const resident = await srv.login('resident');
    const appeal = (await staff.get('/api/v1/appeals?limit=1')).body.items[0];
    const mine = (await resident.get('/api/v1/appeals?mine=1&limit=1')).body.items[0];
    const station = (await staff.get('/api/v1/stations?limit=1')).body.items[0];
    assert.ok(appeal && station, 'demo data');
    // an activity and a service application to show
    const tomorrow = new Date(Date.parse((await srv.json('/api/v1/meta')).body.server_time) + 86400e3 + 8 * 3600e3).toISOString().slice(0, 10);
    const act = await staff.post('/api/v1/activities', {
      title: '无障碍检查 读书会', place: '龙桥社区图书室', start: `${tomorrow}T19:00:00+08:00`, end: `${tomorrow}T20:30:00+08:00`, capacity: 20, eligibility: ['all_elderly'],
    });
    assert.equal(act.status, 201, JSON.stringify(act.body));
    const item = (await resident.get('/api/v1/service-items')).body.items.find((i) => i.code === 'residence_certificate');
    const app = await resident.post('/api/v1/service-applications', { item_id: item.id, form: { purpose: '就业', since: '2020-03-01', address: '龙桥花园 1 幢 101 室' } });
    assert.equal(app.status, 201, JSON.stringify(app.body));
    const findings = [];

    const c = await context(DESKTOP, staff, locale);
    await check(c.page, '/console/', (p) => p.locator('.kpi, .el-card').first().waitFor(), findings);
    await check(c.page, '/console/queue?tab=handling', (p) => p.locator('.el-table__row, .el-table__empty-text').first().waitFor(), findings);
    await check(c.page, `/console/appeal/${appeal.id}`, (p) => p.locator('.el-page-header').waitFor(), findings);
    await check(c.page, '/console/map', (p) => p.locator('.leaflet-container').waitFor(), findings);
    await check(c.page, '/console/qr', null, findings);
    await check(c.page, '/console/org', (p) => p.locator('.residents .el-table__row, .el-table__empty-text').first().waitFor(), findings);
    // the organisation page's dialogs
    await c.page.locator('.edit-unit').click();
    await c.page.locator('.el-dialog').waitFor();
    for (const f of await audit(c.page)) findings.push(`org unit dialog: ${f}`);
    await c.page.keyboard.press('Escape');
    await c.page.locator('.el-dialog').waitFor({ state: 'hidden' });
    await c.page.locator('.el-tabs__item').nth(2).click();
    await c.page.locator('.add-station').click();
    await c.page.locator('.el-dialog').waitFor();
    for (const f of await audit(c.page)) findings.push(`org station dialog: ${f}`);
    await c.page.keyboard.press('Escape');
    await check(c.page, '/console/venues', (p) => p.locator('.venues .el-table__row').first().waitFor(), findings);
    await check(c.page, '/console/bookings', (p) => p.locator('.el-table__row, .el-table__empty-text').first().waitFor(), findings);
    await c.page.locator('.book-for').click();
    await c.page.locator('.el-dialog').waitFor();
    for (const f of await audit(c.page)) findings.push(`book-for dialog: ${f}`);
    await c.page.keyboard.press('Escape');
    await check(c.page, '/console/venues', (p) => p.locator('.venues .el-table__row').first().waitFor(), findings);
    await c.page.locator('.add-venue').click();
    await c.page.locator('.el-dialog').waitFor();
    for (const f of await audit(c.page)) findings.push(`venue dialog: ${f}`);
    await c.page.keyboard.press('Escape');
    await check(c.page, '/console/registrations', (p) => p.locator('.el-table__row, .el-table__empty-text').first().waitFor(), findings);
    await check(c.page, '/console/activities', (p) => p.locator('.activities .el-table__row').first().waitFor(), findings);
    await c.page.locator('.add-activity').click();
    await c.page.locator('.el-dialog').waitFor();
    for (const f of await audit(c.page)) findings.push(`activity dialog: ${f}`);
    await c.page.keyboard.press('Escape');
    await c.page.locator('.el-dialog').waitFor({ state: 'hidden' });
    await check(c.page, `/console/activities/${act.body.id}`, (p) => p.locator('.summary').waitFor(), findings);
    await c.page.locator('.show-qr').click();
    await c.page.locator('.el-dialog img.qr').waitFor();
    for (const f of await audit(c.page)) findings.push(`activity QR dialog: ${f}`);
    await c.page.keyboard.press('Escape');
    await check(c.page, '/console/applications', (p) => p.locator('.applications .el-table__row').first().waitFor(), findings);
    await check(c.page, `/console/applications/${app.body.id}`, (p) => p.locator('.action-buttons').waitFor(), findings);
    await c.page.locator('.act-request_material').click();
    await c.page.locator('.el-dialog').waitFor();
    for (const f of await audit(c.page)) findings.push(`application step dialog: ${f}`);
    await c.page.keyboard.press('Escape');
    // meal assistance (助餐)
    await check(c.page, '/console/meal-points', (p) => p.locator('.meal-points .el-table__row').first().waitFor(), findings);
    await c.page.locator('.add-meal-point').click();
    await c.page.locator('.el-dialog').waitFor();
    for (const f of await audit(c.page)) findings.push(`meal point dialog: ${f}`);
    await c.page.keyboard.press('Escape');
    await c.page.locator('.el-dialog').waitFor({ state: 'hidden' });
    await check(c.page, '/console/meal-enrolments', (p) => p.locator('.el-table__row, .el-table__empty-text').first().waitFor(), findings);
    await c.page.locator('.apply-for').click();
    await c.page.locator('.el-dialog').waitFor();
    for (const f of await audit(c.page)) findings.push(`meal apply dialog: ${f}`);
    await c.page.keyboard.press('Escape');
    await c.page.locator('.el-dialog').waitFor({ state: 'hidden' });
    await check(c.page, '/console/meal-orders', (p) => p.locator('.meal-orders .el-table__row, .meal-orders .el-table__empty-text').first().waitFor(), findings);
    await c.page.locator('.new-round:not([disabled])').click();
    await c.page.locator('.el-dialog').waitFor();
    for (const f of await audit(c.page)) findings.push(`meal round dialog: ${f}`);
    await c.page.keyboard.press('Escape');
    await c.page.locator('.el-dialog').waitFor({ state: 'hidden' });
    await check(c.page, '/console/meal-statement', (p) => p.locator('.sheet .by-mode').waitFor(), findings);
    await check(c.page, '/console/meal-coverage', (p) => p.locator('.meal-coverage .el-table__row').first().waitFor(), findings);
    assert.deepEqual(c.problems, []);
    await c.ctx.close();

    // the grid worker applies for residents; the volunteer delivers
    for (const [who, path, ready] of [
      ['gridworker', '/console/meal-apply', (p) => p.locator('.el-table__row, .el-table__empty-text').first().waitFor()],
      ['volunteer', '/console/my-deliveries', (p) => p.locator('.round, .empty').first().waitFor()],
    ]) {
      const m = await context(DESKTOP, await srv.login(who), locale);
      await check(m.page, path, ready, findings);
      assert.deepEqual(m.problems, []);
      await m.ctx.close();
    }

    // the administrators' pages
    for (const [who, path] of [['sysadmin', '/console/accounts'], ['auditor', '/console/audit'], ['district', '/console/service-items']]) {
      const a = await context(DESKTOP, await srv.login(who), locale);
      await check(a.page, path, (p) => p.locator('.el-table__row').first().waitFor(), findings);
      if (who === 'district') {
        // the catalogue's dialog, with a field of each kind of limit
        await a.page.locator('.items .el-table__row').first().getByRole('button').click();
        await a.page.locator('.el-dialog .add-field').waitFor();
        for (const f of await audit(a.page)) findings.push(`service item dialog: ${f}`);
      }
      assert.deepEqual(a.problems, []);
      await a.ctx.close();
    }

    const signedOut = await context(DESKTOP, null, locale);
    await check(signedOut.page, '/console/login', null, findings);
    await signedOut.ctx.close();

    const r = await context(MOBILE, resident, locale);
    await check(r.page, '/', null, findings);
    await check(r.page, '/mine', null, findings);
    if (mine) await check(r.page, `/appeal/${mine.id}`, (p) => p.locator('.van-steps, .timeline, .van-cell').first().waitFor(), findings);
    await check(r.page, '/messages', null, findings);
    await check(r.page, '/venues', (p) => p.locator('.venue').first().waitFor(), findings);
    const venueId = (await resident.get('/api/v1/venues')).body.items[0].id;
    await check(r.page, `/venues/${venueId}`, (p) => p.locator('.slot').first().waitFor(), findings);
    await check(r.page, '/bookings', null, findings);
    await check(r.page, '/activities', (p) => p.locator('.activity').first().waitFor(), findings);
    await check(r.page, `/activities/${act.body.id}`, (p) => p.locator('.info').waitFor(), findings);
    await check(r.page, '/activities/mine', null, findings);
    await check(r.page, '/services', (p) => p.locator('.service').first().waitFor(), findings);
    await check(r.page, `/services/${item.id}`, (p) => p.locator('.service-form').waitFor(), findings);
    await r.page.locator('.apply button[type=submit]').click(); // the marks under the fields
    await r.page.locator('.van-field__error-message').first().waitFor();
    await r.page.locator('.van-toast').waitFor({ state: 'hidden' });
    for (const f of await audit(r.page)) findings.push(`service form with errors: ${f}`);
    await check(r.page, '/applications', (p) => p.locator('.application').first().waitFor(), findings);
    await check(r.page, `/applications/${app.body.id}`, (p) => p.locator('.timeline').waitFor(), findings);
    await check(r.page, '/meals', (p) => p.locator('.meal-point').first().waitFor(), findings);
    const mealPoint = (await resident.get('/api/v1/meal-points')).body.items[0];
    await check(r.page, `/meals/${mealPoint.id}`, (p) => p.locator('.apply').waitFor(), findings);
    await check(r.page, '/meals/mine', (p) => p.locator('.van-empty, .meal-order').first().waitFor(), findings);
    await check(r.page, `/s/${station.public_code}`, null, findings);
    await check(r.page, '/track', null, findings);
    assert.deepEqual(r.problems, []);
    await r.ctx.close();

    const anon = await context(MOBILE, null, locale);
    await check(anon.page, '/login', null, findings);
    await check(anon.page, '/register', (p) => p.locator('form, .van-form').first().waitFor(), findings);
    await check(anon.page, '/report', null, findings);
    await anon.ctx.close();

    assert.deepEqual(findings, []);
  });
}

test('the console works from the keyboard alone', async () => {
  // a fresh appeal, so the first tab of the queue (to accept) has a case
  const staff = await srv.login('longqiao');
  const station = (await staff.get('/api/v1/stations?limit=1')).body.items[0];
  const made = await srv.post('/api/v1/appeals', { category: 'noise', title: '键盘测试 夜间噪音', station_code: station.public_code, contact: { phone: '13900001234' } });
  assert.equal(made.status, 201, JSON.stringify(made.body));
  const { ctx, page, problems } = await context(DESKTOP, null, null);
  await page.goto(srv.url('/console/login'));
  await page.getByLabel('用户名').waitFor();
  // sign in: focus starts on the user name or one Tab away
  await page.keyboard.press('Tab');
  for (let i = 0; i < 5 && !(await page.getByLabel('用户名').evaluate((e) => e === document.activeElement)); i++) await page.keyboard.press('Tab');
  assert.ok(await page.getByLabel('用户名').evaluate((e) => e === document.activeElement), 'the user name field takes the focus');
  await page.keyboard.type('longqiao');
  await page.keyboard.press('Tab');
  await page.keyboard.type(srv.passwords.longqiao);
  await page.keyboard.press('Enter');
  await page.getByRole('navigation').getByRole('link', { name: '工作队列', exact: true }).waitFor();

  // the menu: Tab reaches it, Enter follows an item
  const focused = () => page.evaluate(() => document.activeElement?.textContent?.trim() ?? '');
  let found = false;
  for (let i = 0; i < 15 && !found; i++) {
    await page.keyboard.press('Tab');
    found = (await focused()) === '工作队列';
  }
  assert.ok(found, 'Tab reaches the menu item 工作队列');
  await page.keyboard.press('Enter');
  await page.waitForURL('**/console/queue');

  // the queue: Tab reaches a case number; Enter opens the case
  await page.locator('.el-table__row a').first().waitFor();
  const caseNo = (await page.locator('.el-table__row a').first().innerText()).trim();
  found = false;
  for (let i = 0; i < 40 && !found; i++) {
    await page.keyboard.press('Tab');
    found = (await focused()) === caseNo;
  }
  assert.ok(found, `Tab reaches the case number ${caseNo}`);
  await page.keyboard.press('Enter');
  await page.waitForURL('**/console/appeal/*');
  await page.locator('.el-page-header').waitFor();

  // an action button: Tab to it, Enter opens its dialog, Escape closes it
  const actions = page.locator('.action-buttons .el-button');
  await actions.first().waitFor();
  const label = (await actions.first().innerText()).trim();
  found = false;
  for (let i = 0; i < 60 && !found; i++) {
    await page.keyboard.press('Tab');
    found = (await focused()) === label;
  }
  assert.ok(found, `Tab reaches the action ${label}`);
  await page.keyboard.press('Enter');
  const dialog = page.getByRole('dialog', { name: label });
  await dialog.waitFor();
  assert.ok(await dialog.evaluate((d) => d.contains(document.activeElement)), 'the dialog takes the focus');
  await page.keyboard.press('Escape');
  await dialog.waitFor({ state: 'hidden' });
  assert.deepEqual(problems, []);
  await ctx.close();
});
